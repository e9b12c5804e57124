/* phonesec-dot1x-pac.c: the EAP-FAST PAC in the plugin's state folder (see
 * the header).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gi18n-lib.h>
#include <phonesec/phonesec.h>
#include <string.h>

#include "phonesec-dot1x-pac.h"

#define FILE_NAME "eap-fast-pac"
#define GROUP "PAC"
/* The first line of wpa_supplicant's text PAC file (eap_fast_pac.c). */
#define PAC_HEADER "wpa_supplicant EAP-FAST PAC file - version 1\n"

static char *
pac_path (const char *state_dir)
{
  return g_build_filename (state_dir, FILE_NAME, NULL);
}

gboolean
phonesec_dot1x_pac_is_loadable (GBytes *pac)
{
  gsize len;
  const char *data = g_bytes_get_data (pac, &len);
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  gboolean open = FALSE;
  guint blocks = 0;

  if (len < strlen (PAC_HEADER) || memcmp (data, PAC_HEADER, strlen (PAC_HEADER)) != 0
      || memchr (data, '\0', len) != NULL)
    return FALSE;
  text = g_strndup (data, len);
  lines = g_strsplit (text, "\n", -1);
  /* wpa_supplicant refuses a START inside a block and a block never
   * ended; an END alone it refuses too. */
  for (guint i = 1; lines[i] != NULL; i++)
    {
      if (strcmp (lines[i], "START") == 0)
        {
          if (open)
            return FALSE;
          open = TRUE;
        }
      else if (strcmp (lines[i], "END") == 0)
        {
          if (!open)
            return FALSE;
          open = FALSE;
          blocks++;
        }
    }
  return !open && blocks > 0;
}

static GBytes *
damaged (GError **error, const char *why)
{
  g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
               _ ("The saved EAP-FAST PAC is damaged (%s)"), why);
  return NULL;
}

GBytes *
phonesec_dot1x_pac_parse (const char *data, gsize len, const char *identity, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autofree char *saved_identity = NULL;
  g_autofree char *encoded = NULL;
  g_autoptr (GBytes) pac = NULL;
  guchar *decoded;
  gsize decoded_len;

  if (!g_key_file_load_from_data (kf, data, len, G_KEY_FILE_NONE, NULL))
    return damaged (error, _ ("not a key file"));
  saved_identity = g_key_file_get_string (kf, GROUP, "Identity", NULL);
  encoded = g_key_file_get_string (kf, GROUP, "Data", NULL);
  if (saved_identity == NULL || encoded == NULL)
    return damaged (error, _ ("Identity or Data missing"));
  /* Another identity's PAC is of no use to this one; not damage. */
  if (g_strcmp0 (saved_identity, identity) != 0)
    return NULL;
  decoded = g_base64_decode (encoded, &decoded_len);
  pac = g_bytes_new_take (decoded, decoded_len);
  if (!phonesec_dot1x_pac_is_loadable (pac))
    return damaged (error, _ ("not a PAC file wpa_supplicant loads"));
  return g_steal_pointer (&pac);
}

GBytes *
phonesec_dot1x_pac_load (const char *state_dir, const char *identity, GError **error)
{
  g_autofree char *path = pac_path (state_dir);
  g_autofree char *data = NULL;
  gsize len;

  if (!g_file_get_contents (path, &data, &len, NULL))
    return NULL;
  return phonesec_dot1x_pac_parse (data, len, identity, error);
}

gboolean
phonesec_dot1x_pac_save (const char *state_dir, const char *identity, GBytes *pac, GError **error)
{
  g_autofree char *path = pac_path (state_dir);
  g_autoptr (GBytes) saved = phonesec_dot1x_pac_load (state_dir, identity, NULL);
  g_autoptr (GKeyFile) kf = NULL;
  g_autofree char *data = NULL;
  g_autofree char *text = NULL;
  gsize len;

  if (!phonesec_dot1x_pac_is_loadable (pac))
    {
      g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                           _ ("wpa_supplicant gave a PAC in a format it would not load again"));
      return FALSE;
    }
  if (saved != NULL && g_bytes_equal (saved, pac))
    return TRUE;
  kf = g_key_file_new ();
  data = g_base64_encode (g_bytes_get_data (pac, NULL), g_bytes_get_size (pac));
  g_key_file_set_string (kf, GROUP, "Identity", identity);
  g_key_file_set_string (kf, GROUP, "Data", data);
  text = g_key_file_to_data (kf, &len, NULL);
  return g_file_set_contents_full (
      path, text, len, G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0600, error);
}
