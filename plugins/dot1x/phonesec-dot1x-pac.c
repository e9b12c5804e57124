/* phonesec-dot1x-pac.c: the EAP-FAST PAC in the plugin's state folder (see
 * the header).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib.h>

#include "phonesec-dot1x-pac.h"

#define FILE_NAME "eap-fast-pac"
#define GROUP "PAC"

static char *
pac_path (const char *state_dir)
{
  return g_build_filename (state_dir, FILE_NAME, NULL);
}

GBytes *
phonesec_dot1x_pac_load (const char *state_dir, const char *identity)
{
  g_autofree char *path = pac_path (state_dir);
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autofree char *saved_identity = NULL;
  g_autofree char *data = NULL;
  guchar *pac;
  gsize len;

  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, NULL))
    return NULL;
  saved_identity = g_key_file_get_string (kf, GROUP, "Identity", NULL);
  data = g_key_file_get_string (kf, GROUP, "Data", NULL);
  if (g_strcmp0 (saved_identity, identity) != 0 || data == NULL)
    return NULL;
  pac = g_base64_decode (data, &len);
  if (len == 0)
    {
      g_free (pac);
      return NULL;
    }
  return g_bytes_new_take (pac, len);
}

gboolean
phonesec_dot1x_pac_save (const char *state_dir, const char *identity, GBytes *pac, GError **error)
{
  g_autofree char *path = pac_path (state_dir);
  g_autoptr (GBytes) saved = phonesec_dot1x_pac_load (state_dir, identity);
  g_autoptr (GKeyFile) kf = NULL;
  g_autofree char *data = NULL;
  g_autofree char *text = NULL;
  gsize len;

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
