/* phonesec-firewall-nft: the firewall plugin's hands in nftables.
 *
 * libnftables stays out of phonesecd: its code and the netlink cache it
 * keeps live in this process, which the plugin starts when it has rules to
 * put in force and lets go when they have not changed for a while
 * (phonesec-firewall-runner.c). A burst of changes pays for one start; an
 * idle phone keeps none of it.
 *
 * Requests on stdin, answers on stdout, in order, until stdin ends:
 *
 *   run TABLE\n LENGTH\n SCRIPT   SCRIPT checked (dry run), then run as one
 *                                 transaction; then TABLE ("FAMILY NAME",
 *                                 or "-" for none) read back
 *   list TABLE\n                  TABLE read back
 *
 *   answer: STATUS LENGTH\n DATA  0: done, DATA the table (empty if there
 *                                 is none); 1: refused, DATA the reason on
 *                                 one line; 2: no such table (list)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "phonesec-firewall-nft.h"

/* Our own rendering is a few KiB; anything near this is not ours. */
#define MAX_SCRIPT (4 * 1024 * 1024)
#define MAX_LINE 256

static void
answer (int status, const char *data)
{
  gsize len = data != NULL ? strlen (data) : 0;

  printf ("%d %zu\n", status, len);
  if (len > 0)
    fwrite (data, 1, len, stdout);
  fflush (stdout);
}

/* A request line without its newline; %FALSE at the end of input. */
static gboolean
read_line (char *line)
{
  if (fgets (line, MAX_LINE, stdin) == NULL)
    return FALSE;
  line[strcspn (line, "\n")] = '\0';
  return TRUE;
}

static char *
read_script (void)
{
  char line[MAX_LINE];
  guint64 length;
  char *end;
  g_autofree char *script = NULL;

  if (!read_line (line))
    return NULL;
  length = g_ascii_strtoull (line, &end, 10);
  if (end == line || *end != '\0' || length > MAX_SCRIPT)
    return NULL;
  script = g_malloc (length + 1);
  if (fread (script, 1, length, stdin) != length || memchr (script, '\0', length) != NULL)
    return NULL;
  script[length] = '\0';
  return g_steal_pointer (&script);
}

static void
list_table (PhonesecFirewallNft *nft, const char *table, int missing)
{
  g_autofree char *listing = phonesec_firewall_nft_list (nft, table);

  answer (listing != NULL ? 0 : missing, listing);
}

static void
run_script (PhonesecFirewallNft *nft, const char *script, const char *table)
{
  g_autoptr (GError) error = NULL;

  if (!phonesec_firewall_nft_run (nft, script, &error))
    answer (1, error->message);
  else if (strcmp (table, "-") == 0)
    answer (0, NULL);
  else
    list_table (nft, table, 0); /* in force; a table not read back shows as none */
}

int
main (int argc, char **argv)
{
  g_autoptr (PhonesecFirewallNft) nft = NULL;
  char line[MAX_LINE];

  if (argc != 1)
    {
      fputs ("usage: phonesec-firewall-nft (requests on stdin, see its source)\n", stderr);
      return 64;
    }
  nft = phonesec_firewall_nft_new ();
  if (nft == NULL)
    {
      fputs ("libnftables could not be initialised\n", stderr);
      return 3;
    }
  while (read_line (line))
    {
      if (g_str_has_prefix (line, "run "))
        {
          g_autofree char *script = read_script ();

          if (script == NULL)
            return 65; /* the plugin never sends this: stop */
          run_script (nft, script, line + strlen ("run "));
        }
      else if (g_str_has_prefix (line, "list "))
        list_table (nft, line + strlen ("list "), 2);
      else
        return 65;
    }
  return 0;
}
