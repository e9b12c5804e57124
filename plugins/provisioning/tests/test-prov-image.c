/* test-prov-image.c: what phonesec does to a firmware image before the
 * install hook: its version from its file name against
 * Downgrade_Rev_Limit, and its decryption in place (images the real
 * `openssl enc` encrypted, three key derivations), with bad input.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "phonesec-prov-image.h"
#include "prov-test-util.h"

#define KEY "Image-Key-7"
/* A fixed salt: the same cipher text each run, so that the wrong-key
 * case below is the same each run too (a wrong key passes the padding
 * check for about one salt in 255, as with `openssl enc -d`). With -S,
 * OpenSSL 3 writes no "Salted__" header: printf writes the one it writes
 * otherwise. */
#define ENC(options)                                                                               \
  "{ printf 'Salted__\\001\\043\\105\\147\\211\\253\\315\\357'; "                                  \
  "openssl enc -e -aes-256-cbc -S 0123456789abcdef -pass 'pass:" KEY "' " options "; }"

static void
test_version (void)
{
  static const char *const cases[][2] = {
    { "sip88xx.12-1-1MPP0001-12.loads", "sip88xx.12-1-1MPP0001-12" },
    { "sip88xx.12-1-1.loads.enc", "sip88xx.12-1-1" },
    { "spa525g-7-4-9.bin", "spa525g-7-4-9" },
    { "12-0-1", "12-0-1" },
    { "firmware.loads", NULL },
    { ".loads", NULL },
    { "", NULL },
    { "...", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *version = phonesec_prov_image_version (cases[i][0]);

      g_assert_cmpstr (version, ==, cases[i][1]);
    }
}

static void
test_limit (void)
{
  static const struct
  {
    const char *name, *limit;
    gboolean ok;
  } cases[] = {
    { "sip88xx.12-1-1.loads", NULL, TRUE },
    { "sip88xx.12-1-1.loads", "  ", TRUE },
    { "firmware.loads", "", TRUE }, /* no limit: the name may say nothing */
    { "sip88xx.12-1-1.loads", "sip88xx.12-1-1", TRUE },
    { "sip88xx.12-1-1.loads", "sip88xx.12-0-9", TRUE },
    { "sip88xx.12-10-1.loads", "sip88xx.12-9-1", TRUE }, /* numbers, not text */
    { "sip88xx.11-9-9.loads", "sip88xx.12-0-1", FALSE },
    { "sip88xx.12-1-1.loads", "12-0-1", TRUE }, /* without the product */
    { "sip88xx.11-0-1.loads", "12.0.1", FALSE },
    { "spa525g-7-4-9.bin", "7.4.8", TRUE }, /* '-' and '.' alike */
    { "spa525g-7-4-7.bin", "7.4.8", FALSE },
    { "sip88xx.12-0-1MPP-0001.loads", "12-0-1", TRUE },
    { "firmware.loads", "12-0-1", FALSE }, /* a limit, and no version */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      gboolean ok = phonesec_prov_image_check_limit (cases[i].name, cases[i].limit, &error);

      g_test_message ("%s against %s: %s", cases[i].name, cases[i].limit,
                      error != NULL ? error->message : "ok");
      g_assert_cmpint (ok, ==, cases[i].ok);
      if (!ok)
        {
          g_assert_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE);
          g_assert_nonnull (strstr (error->message, cases[i].name));
          g_assert_nonnull (strstr (error->message, "Downgrade_Rev_Limit"));
        }
    }
}

/* Names an admin's rule could hold: quoted, never raw, in the message. */
static void
test_limit_bad_names (void)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (phonesec_prov_image_check_limit ("a\nb\x01.loads", "1", &error));
  g_assert_null (strchr (error->message, '\n'));
  g_assert_null (strchr (error->message, '\x01'));
  g_clear_error (&error);
  g_assert_false (phonesec_prov_image_check_limit ("v0.loads", "1\n2", &error));
  g_assert_null (strchr (error->message, '\n'));
}

/* The same bytes each run: with the fixed salt, the same cipher text,
 * so that which derivations fit the last block is the same each run. */
static GBytes *
pseudo_random_bytes (gsize size)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed ((guint32) size);
  guint8 *data = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) g_rand_int (rand);
  return g_bytes_new_take (data, size);
}

/* @data decrypted in a file with @key: the result, or NULL with @error
 * (the file's bytes then in @left). */
static GBytes *
decrypt (GBytes *data, const char *key, GBytes **left, GError **error)
{
  g_autofree char *path = NULL;
  g_autoptr (PhonesecSecret) secret = phonesec_secret_new (key, -1);
  char *out;
  gsize len;
  int fd = g_file_open_tmp ("prov-image-XXXXXX", &path, NULL);
  gboolean ok;

  g_assert_cmpint (fd, >=, 0);
  close (fd); /* g_file_set_contents() puts a new file there */
  g_assert_true (
      g_file_set_contents (path, g_bytes_get_data (data, NULL), g_bytes_get_size (data), NULL));
  fd = g_open (path, O_RDWR, 0);
  g_assert_cmpint (fd, >=, 0);
  ok = phonesec_prov_image_decrypt_fd (fd, secret, NULL, error);
  close (fd);
  g_assert_true (g_file_get_contents (path, &out, &len, NULL));
  g_unlink (path);
  if (!ok && left != NULL)
    *left = g_bytes_new (out, len);
  if (!ok)
    {
      g_free (out);
      return NULL;
    }
  return g_bytes_new_take (out, len);
}

/* Sizes around the block and the 64 KiB chunk, three derivations. */
static void
test_decrypt (void)
{
  static const char *const commands[] = { ENC (""), ENC ("-md md5"), ENC ("-pbkdf2") };
  static const gsize sizes[] = { 0, 1, 15, 16, 17, 65536 - 16, 65536, 65536 + 1, 300 * 1024 + 5 };

  for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
    for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
      {
        g_autoptr (GBytes) image = pseudo_random_bytes (sizes[i]);
        g_autoptr (GBytes) encrypted = prov_test_run_filter (commands[c], image);
        g_autoptr (GError) error = NULL;
        g_autoptr (GBytes) clear = decrypt (encrypted, KEY, NULL, &error);

        g_assert_no_error (error);
        g_assert_true (g_bytes_equal (clear, image));
      }
}

/* A wrong key, a clear image, a damaged one: a clear error, and the
 * file as it was. */
static void
test_decrypt_bad (void)
{
  g_autoptr (GBytes) image = pseudo_random_bytes (100 * 1024 + 3);
  g_autoptr (GBytes) encrypted = prov_test_run_filter (ENC (""), image);
  gsize len = g_bytes_get_size (encrypted);
  g_autoptr (GBytes) truncated = g_bytes_new_from_bytes (encrypted, 0, len - 5);
  g_autoptr (GBytes) header_only = g_bytes_new_from_bytes (encrypted, 0, 16);
  g_autoptr (GBytes) empty = g_bytes_new (NULL, 0);
  struct
  {
    GBytes *data;
    const char *key, *needle;
  } cases[] = {
    { encrypted, "Wrong-Key", "wrong key" },
    { image, KEY, "the image is not encrypted" },
    { empty, KEY, "the image is not encrypted" },
    { truncated, KEY, "not a whole number of 16-byte blocks" },
    { header_only, KEY, "not a whole number of 16-byte blocks" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) left = NULL;
      g_autoptr (GBytes) clear = decrypt (cases[i].data, cases[i].key, &left, &error);

      g_assert_null (clear);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, cases[i].needle));
      g_assert_null (strstr (error->message, cases[i].key));
      g_assert_true (g_bytes_equal (left, cases[i].data));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/prov-image/version", test_version);
  g_test_add_func ("/prov-image/limit", test_limit);
  g_test_add_func ("/prov-image/limit-bad-names", test_limit_bad_names);
  g_test_add_func ("/prov-image/decrypt", test_decrypt);
  g_test_add_func ("/prov-image/decrypt-bad", test_decrypt_bad);
  return g_test_run ();
}
