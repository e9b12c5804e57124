/* phonesec-prov-image.c: a firmware image's version against
 * Downgrade_Rev_Limit (see phonesec-prov-image.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-prov-image.h"

#include <glib/gi18n-lib.h>
#include <string.h>

static gboolean
has_digit (const char *text, gssize len)
{
  for (gssize i = 0; len < 0 ? text[i] != '\0' : i < len; i++)
    if (g_ascii_isdigit (text[i]))
      return TRUE;
  return FALSE;
}

char *
phonesec_prov_image_version (const char *file_name)
{
  g_autofree char *name = g_strdup (file_name);
  char *dot;

  /* ".loads", ".bin", ".enc": an extension without digits is no version. */
  while ((dot = strrchr (name, '.')) != NULL && dot != name && !has_digit (dot + 1, -1))
    *dot = '\0';
  if (!has_digit (name, -1))
    return NULL;
  return g_steal_pointer (&name);
}

/* The version part of @version: after its product prefix (`sip88xx.`,
 * `spa525g-`), else from its first digit (`v2`). */
static const char *
without_product (const char *version)
{
  for (const char *p = version; *p != '\0'; p++)
    if ((*p == '.' || *p == '-') && g_ascii_isdigit (p[1]))
      return p + 1;
  return version + strcspn (version, "0123456789");
}

/* `.`, `-` and `_` are one separator for the comparison. */
static char *
normalize (const char *version)
{
  char *copy = g_strdup (version);

  g_strdelimit (copy, "-_", '.');
  return copy;
}

gboolean
phonesec_prov_image_check_limit (const char *file_name, const char *limit, GError **error)
{
  g_autofree char *version = phonesec_prov_image_version (file_name);
  g_autofree char *lim = g_strstrip (g_strdup (limit != NULL ? limit : ""));
  g_autofree char *quoted = phonesec_quote_for_message (file_name, -1);
  g_autofree char *a = NULL, *b = NULL;

  if (lim[0] == '\0')
    return TRUE;
  if (version == NULL)
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("the image's file name '%s' holds no version to compare with "
                      "Downgrade_Rev_Limit"),
                   quoted);
      return FALSE;
    }
  a = normalize (g_ascii_isdigit (lim[0]) && !g_ascii_isdigit (version[0])
                     ? without_product (version)
                     : version);
  b = normalize (lim);
  if (phonesec_rule_compare_versions (a, b) >= 0)
    return TRUE;
  {
    g_autofree char *qv = phonesec_quote_for_message (version, -1);
    g_autofree char *ql = phonesec_quote_for_message (lim, -1);

    g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                 _ ("the image '%s' (version %s) is below Downgrade_Rev_Limit %s: not "
                    "installed"),
                 quoted, qv, ql);
  }
  return FALSE;
}
