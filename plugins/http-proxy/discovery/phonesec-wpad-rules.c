/* phonesec-wpad-rules.c: the WPAD candidate names and the DHCP option.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-wpad-rules.h"

#include <glib/gi18n-lib.h>
#include <libpsl.h>
#include <phonesec/phonesec-error.h>
#include <string.h>

#define DNS_NAME_MAX 253
#define DNS_LABEL_MAX 63

/* The distribution's list (kept current by the publicsuffix package) or,
 * failing that, the one built into libpsl. Loaded once, kept for the
 * process. */
static const psl_ctx_t *
public_suffixes (void)
{
  static gsize once = 0;
  static const psl_ctx_t *psl = NULL;

  if (g_once_init_enter (&once))
    {
      psl = psl_latest (NULL);
      if (psl == NULL)
        psl = psl_builtin ();
      g_once_init_leave (&once, 1);
    }
  return psl;
}

static gboolean
label_is_valid (const char *label, gsize len)
{
  if (len == 0 || len > DNS_LABEL_MAX || label[0] == '-' || label[len - 1] == '-')
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (label[i]) && label[i] != '-' && label[i] != '_')
      return FALSE;
  return TRUE;
}

/* Public suffixes (com, co.uk, github.io...) never get a wpad name: anyone
 * may register wpad.<suffix> and would then proxy the phone's traffic. */
static gboolean
is_public_suffix (const char *domain)
{
  const psl_ctx_t *psl = public_suffixes ();

  if (strchr (domain, '.') == NULL)
    return TRUE; /* a top-level domain, whatever the list says */
  if (psl == NULL)
    return FALSE;
  /* PSL_TYPE_ANY: private suffixes too; the implicit "*" rule makes an
   * unknown top-level domain (corp, lan) a suffix but not example.corp. */
  return psl_is_public_suffix2 (psl, domain, PSL_TYPE_ANY) != 0;
}

GStrv
phonesec_wpad_dns_candidates (const char *domain, GError **error)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *name = NULL;
  gsize len;

  g_return_val_if_fail (domain != NULL, NULL);
  len = strlen (domain);
  if (len > 0 && domain[len - 1] == '.')
    len--;
  if (len == 0 || len > DNS_NAME_MAX || memchr (domain, '\0', len) != NULL)
    goto invalid;
  name = g_ascii_strdown (domain, len);
  for (const char *label = name;;)
    {
      const char *dot = strchr (label, '.');
      gsize label_len = dot != NULL ? (gsize) (dot - label) : strlen (label);

      if (!label_is_valid (label, label_len))
        goto invalid;
      if (dot == NULL)
        break;
      label = dot + 1;
    }

  for (const char *d = name; d != NULL && !is_public_suffix (d);)
    {
      const char *dot = strchr (d, '.');

      /* wpad.<d> must still be a valid name. */
      if (strlen (d) + 5 <= DNS_NAME_MAX)
        {
          g_autofree char *host = g_strconcat ("wpad.", d, NULL);

          g_strv_builder_add (builder, host);
        }
      d = dot != NULL ? dot + 1 : NULL;
    }
  return g_strv_builder_end (builder);

invalid:
  {
    g_autofree char *shown = g_strndup (domain, MIN (len, 80));

    for (char *p = shown; *p != '\0'; p++)
      if ((guchar) *p < 0x20 || (guchar) *p >= 0x7f)
        *p = '?';
    g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                 _ ("The network's DNS domain \"%s\" is not a valid domain name (letters, digits "
                    "and '-' in dot-separated labels of 1 to 63 characters)"),
                 shown);
    return NULL;
  }
}

char *
phonesec_wpad_dns_url (const char *host)
{
  return g_strconcat ("http://", host, "/wpad.dat", NULL);
}

char *
phonesec_wpad_dhcp_url (GVariant *network)
{
  g_autoptr (GVariant) options = NULL;
  const char *text = NULL;
  const char *start;
  const char *end;

  if (network == NULL || !g_variant_is_of_type (network, G_VARIANT_TYPE_VARDICT))
    return NULL;
  options = g_variant_lookup_value (network, "dhcp-options", G_VARIANT_TYPE ("a{us}"));
  if (options == NULL)
    return NULL;
  for (gsize i = 0, n = g_variant_n_children (options); i < n; i++)
    {
      guint32 code;
      const char *value;

      g_variant_get_child (options, i, "{u&s}", &code, &value);
      if (code == PHONESEC_WPAD_DHCP_OPTION)
        text = value; /* the last one wins, as in a{us} semantics */
    }
  if (text == NULL)
    return NULL;
  /* Some DHCP servers send the URL with a trailing NUL, newline or blank. */
  start = text;
  while (*start != '\0' && g_ascii_isspace (*start))
    start++;
  end = start + strlen (start);
  while (end > start && g_ascii_isspace (end[-1]))
    end--;
  if (end == start)
    return NULL;
  return g_strndup (start, end - start);
}

char *
phonesec_wpad_network_domain (GVariant *network)
{
  const char *domain = NULL;

  if (network == NULL || !g_variant_is_of_type (network, G_VARIANT_TYPE_VARDICT))
    return NULL;
  if (!g_variant_lookup (network, "domain", "&s", &domain) || *domain == '\0')
    return NULL;
  return g_strdup (domain);
}
