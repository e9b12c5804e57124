/* phonesec-firewall-nft.c: libnftables, check then commit.
 *
 * libnftables turns a script into one netlink batch: the kernel applies
 * all of it or none. The dry run sends the same batch without its end
 * marker, so the kernel validates everything and keeps nothing; only then
 * is the script run for real. nft output and errors go to memory buffers,
 * never to the daemon's stdout.
 *
 * The script goes to libnftables as a file in memory (memfd) rather than
 * a buffer: libnftables 1.0.6 quotes the first line of a buffer in its
 * errors, whichever line is wrong, and the admin needs the right one.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE
#include <errno.h>
#include <nftables/libnftables.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "phonesec-firewall-nft.h"

G_DEFINE_QUARK (phonesec - firewall - nft - error - quark, phonesec_firewall_nft_error)

struct _PhonesecFirewallNft
{
  struct nft_ctx *ctx;
};

PhonesecFirewallNft *
phonesec_firewall_nft_new (void)
{
  struct nft_ctx *ctx = nft_ctx_new (NFT_CTX_DEFAULT);
  PhonesecFirewallNft *self;

  if (ctx == NULL)
    return NULL;
  self = g_new0 (PhonesecFirewallNft, 1);
  self->ctx = ctx;
  nft_ctx_buffer_output (self->ctx);
  nft_ctx_buffer_error (self->ctx);
  return self;
}

void
phonesec_firewall_nft_free (PhonesecFirewallNft *self)
{
  if (self == NULL)
    return;
  nft_ctx_free (self->ctx);
  g_free (self);
}

/* Reading a buffer also empties it: done before each command, so that a
 * command's output is its own. */
static void
clear_buffers (PhonesecFirewallNft *self)
{
  nft_ctx_get_output_buffer (self->ctx);
  nft_ctx_get_error_buffer (self->ctx);
}

/* nft reports each error as "Error: what", the input line and a line of
 * carets under the culprit. One line for LastError: the first message and
 * the line it is about. */
static char *
summarize_error (const char *text)
{
  g_auto (GStrv) lines = g_strsplit (text != NULL ? text : "", "\n", -1);
  const char *message = NULL;
  const char *source = NULL;

  for (guint i = 0; lines[i] != NULL && source == NULL; i++)
    {
      const char *error = strstr (lines[i], "Error: ");
      char *line = g_strstrip (lines[i]);

      if (message == NULL && error != NULL)
        message = error + strlen ("Error: ");
      else if (message != NULL && line[0] != '\0' && line[0] != '^' && line[0] != '~')
        source = line;
    }
  if (message == NULL)
    return g_strdup (text != NULL && text[0] != '\0' ? g_strstrip (lines[0]) : "unknown error");
  if (source == NULL)
    return g_strdup (message);
  return g_strdup_printf ("%s (in: %s)", message, source);
}

static gboolean
run (PhonesecFirewallNft *self, const char *path, gboolean dry_run, GError **error)
{
  int status;

  clear_buffers (self);
  nft_ctx_set_dry_run (self->ctx, dry_run);
  status = nft_run_cmd_from_filename (self->ctx, path);
  nft_ctx_set_dry_run (self->ctx, FALSE);
  if (status != 0)
    {
      g_autofree char *why = summarize_error (nft_ctx_get_error_buffer (self->ctx));

      g_set_error_literal (error, PHONESEC_FIREWALL_NFT_ERROR, 0, why);
      return FALSE;
    }
  return TRUE;
}

/* @script in a file of its own in memory; -1 with @error. */
static int
script_file (const char *script, GError **error)
{
  int fd = memfd_create ("phonesec-firewall", MFD_CLOEXEC);
  gsize left = strlen (script);

  if (fd < 0)
    goto failed;
  while (left > 0)
    {
      gssize n = write (fd, script, left);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        goto failed;
      script += n;
      left -= (gsize) n;
    }
  return fd;

failed:
  {
    int saved = errno;

    g_set_error (error, PHONESEC_FIREWALL_NFT_ERROR, 0, "memfd: %s", g_strerror (saved));
    if (fd >= 0)
      close (fd);
    return -1;
  }
}

gboolean
phonesec_firewall_nft_run (PhonesecFirewallNft *self, const char *script, GError **error)
{
  g_autofree char *path = NULL;
  gboolean ok;
  int fd;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (script != NULL, FALSE);

  fd = script_file (script, error);
  if (fd < 0)
    return FALSE;
  /* libnftables opens the path itself, from the start of the file. */
  path = g_strdup_printf ("/proc/self/fd/%d", fd);
  ok = run (self, path, TRUE, error) && run (self, path, FALSE, error);
  close (fd);
  return ok;
}

char *
phonesec_firewall_nft_list (PhonesecFirewallNft *self, const char *table)
{
  g_autofree char *command = g_strconcat ("list table ", table, NULL);

  g_return_val_if_fail (self != NULL, NULL);

  clear_buffers (self);
  if (nft_run_cmd_from_buffer (self->ctx, command) != 0)
    return NULL;
  return g_strdup (nft_ctx_get_output_buffer (self->ctx));
}
