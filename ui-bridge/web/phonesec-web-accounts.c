/* phonesec-web-accounts.c: password hashes (PBKDF2-HMAC-SHA256 through
 * GnuTLS).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-web-accounts.h"

#include <stdio.h>
#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#define SALT_BYTES 16
#define KEY_BYTES 32
#define MIN_ITERATIONS 1000
#define MAX_ITERATIONS 10000000

const char *
phonesec_web_role_to_string (PhonesecWebRole role)
{
  switch (role)
    {
      case PHONESEC_WEB_ROLE_ADMIN:
        return "admin";
      case PHONESEC_WEB_ROLE_USER:
        return "user";
      case PHONESEC_WEB_ROLE_NONE:
      default:
        return "none";
    }
}

PhonesecWebRole
phonesec_web_role_from_string (const char *name)
{
  if (g_strcmp0 (name, "admin") == 0)
    return PHONESEC_WEB_ROLE_ADMIN;
  if (g_strcmp0 (name, "user") == 0)
    return PHONESEC_WEB_ROLE_USER;
  return PHONESEC_WEB_ROLE_NONE;
}

static gboolean
derive (const char *password, const guint8 *salt, gsize salt_len, guint iterations, guint8 *out)
{
  gnutls_datum_t key = { (unsigned char *) password, (unsigned int) strlen (password) };
  gnutls_datum_t salt_datum = { (unsigned char *) salt, (unsigned int) salt_len };

  return gnutls_pbkdf2 (GNUTLS_MAC_SHA256, &key, &salt_datum, iterations, out, KEY_BYTES) == 0;
}

char *
phonesec_web_hash_password (const char *password, guint iterations, GError **error)
{
  guint8 salt[SALT_BYTES];
  guint8 key[KEY_BYTES];
  g_autofree char *salt64 = NULL;
  g_autofree char *key64 = NULL;

  if (gnutls_rnd (GNUTLS_RND_RANDOM, salt, sizeof salt) != 0
      || !derive (password, salt, sizeof salt, iterations, key))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot hash the password");
      return NULL;
    }
  salt64 = g_base64_encode (salt, sizeof salt);
  key64 = g_base64_encode (key, sizeof key);
  gnutls_memset (key, 0, sizeof key);
  return g_strdup_printf ("pbkdf2-sha256$%u$%s$%s", iterations, salt64, key64);
}

gboolean
phonesec_web_verify_password (const char *stored, const char *password)
{
  g_auto (GStrv) parts = NULL;
  g_autofree guint8 *salt = NULL;
  g_autofree guint8 *expected = NULL;
  gsize salt_len = 0, expected_len = 0;
  guint64 iterations;
  guint8 key[KEY_BYTES];
  gboolean same;

  if (stored == NULL || password == NULL)
    return FALSE;
  parts = g_strsplit (stored, "$", 0);
  if (g_strv_length (parts) != 4 || strcmp (parts[0], "pbkdf2-sha256") != 0
      || !g_ascii_string_to_unsigned (parts[1], 10, MIN_ITERATIONS, MAX_ITERATIONS, &iterations,
                                      NULL))
    return FALSE;
  salt = g_base64_decode (parts[2], &salt_len);
  expected = g_base64_decode (parts[3], &expected_len);
  if (salt_len < 8 || expected_len != KEY_BYTES)
    return FALSE;
  if (!derive (password, salt, salt_len, (guint) iterations, key))
    return FALSE;
  same = gnutls_memcmp (key, expected, KEY_BYTES) == 0;
  gnutls_memset (key, 0, sizeof key);
  return same;
}

static char *
accounts_path (const char *state_dir)
{
  return g_build_filename (state_dir, "accounts", NULL);
}

static gboolean
save (GKeyFile *file, const char *state_dir, GError **error)
{
  g_autofree char *path = accounts_path (state_dir);
  g_autofree char *data = g_key_file_to_data (file, NULL, NULL);

  /* g_file_set_contents_full: temp file, fsync, rename, mode 0600. */
  return g_file_set_contents_full (path, data, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

/* 16 characters from an unambiguous alphabet: about 80 bits. */
static char *
random_password (void)
{
  static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzACDEFGHJKLMNPQRSTUVWXYZ23456789";
  guint8 bytes[16];
  char *out = g_malloc (sizeof bytes + 1);

  if (gnutls_rnd (GNUTLS_RND_KEY, bytes, sizeof bytes) != 0)
    g_error ("no random numbers");
  for (gsize i = 0; i < sizeof bytes; i++)
    out[i] = alphabet[bytes[i] % (sizeof alphabet - 1)];
  out[sizeof bytes] = '\0';
  return out;
}

GKeyFile *
phonesec_web_accounts_load (const char *state_dir, GError **error)
{
  g_autoptr (GKeyFile) file = g_key_file_new ();
  g_autofree char *path = accounts_path (state_dir);
  g_autoptr (GError) local_error = NULL;
  gboolean changed = FALSE;

  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, &local_error))
    {
      if (!g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }
  for (PhonesecWebRole role = PHONESEC_WEB_ROLE_ADMIN; role <= PHONESEC_WEB_ROLE_USER; role++)
    {
      const char *name = phonesec_web_role_to_string (role);
      g_autofree char *hash = g_key_file_get_string (file, name, "hash", NULL);
      g_autofree char *password = NULL;

      if (hash != NULL)
        continue;
      password = random_password ();
      hash = phonesec_web_hash_password (password, PHONESEC_WEB_PBKDF2_ITERATIONS, error);
      if (hash == NULL)
        return NULL;
      g_key_file_set_string (file, name, "hash", hash);
      /* Printed once, on stdout only (not the journal's log domain): the
       * installer reads it or sets its own with --set-password. */
      printf ("phonesec-web: initial password of account '%s': %s\n", name, password);
      fflush (stdout);
      changed = TRUE;
    }
  if (changed && !save (file, state_dir, error))
    return NULL;
  return g_steal_pointer (&file);
}

gboolean
phonesec_web_accounts_set_password (const char *state_dir, PhonesecWebRole role,
                                    const char *password, GError **error)
{
  g_autoptr (GKeyFile) file = g_key_file_new ();
  g_autofree char *path = accounts_path (state_dir);
  g_autofree char *hash = NULL;

  if (role == PHONESEC_WEB_ROLE_NONE)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "the account is admin or user");
      return FALSE;
    }
  if (password == NULL || strlen (password) < 4 || strlen (password) > 127)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "a password has 4 to 127 characters");
      return FALSE;
    }
  /* A missing file is fine: the other account is created at next start. */
  (void) g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, NULL);
  hash = phonesec_web_hash_password (password, PHONESEC_WEB_PBKDF2_ITERATIONS, error);
  if (hash == NULL)
    return FALSE;
  g_key_file_set_string (file, phonesec_web_role_to_string (role), "hash", hash);
  return save (file, state_dir, error);
}
