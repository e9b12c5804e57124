/* test-dot1x-pac.c: the EAP-FAST PAC phonesecd keeps, and the damaged or
 * foreign files it must never give wpa_supplicant (which would then refuse
 * EAP-FAST altogether).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gstdio.h>
#include <phonesec/phonesec.h>
#include <string.h>
#include <sys/stat.h>

#include "phonesec-dot1x-pac.h"

#define HEADER "wpa_supplicant EAP-FAST PAC file - version 1\n"
/* The shape wpa_supplicant 2.10 writes (values shortened). */
#define GOOD_PAC                                                                                   \
  HEADER "START\nPAC-Type=0\nPAC-Key=00112233\nPAC-Opaque=a1b2c3\nA-ID=1011\n"                     \
         "I-ID=phone-4411\nA-ID-Info=phonesec test switch\nEND\n"

static GBytes *
bytes (const char *text)
{
  return g_bytes_new_static (text, strlen (text));
}

static void
test_loadable (void)
{
  static const struct
  {
    const char *text;
    gboolean loadable;
  } table[] = {
    { GOOD_PAC, TRUE },
    { GOOD_PAC "START\nPAC-Type=1\nEND\n", TRUE },
    { "", FALSE },
    { HEADER, FALSE }, /* no PAC in it */
    { "wpa_supplicant EAP-FAST PAC file - version 2\nSTART\nEND\n", FALSE },
    { HEADER "START\nPAC-Key=00\n", FALSE }, /* block never ended */
    { HEADER "START\nSTART\nEND\n", FALSE }, /* START inside a block */
    { HEADER "END\n", FALSE },               /* END alone */
    { "START\nEND\n" HEADER, FALSE },        /* header not first */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (table); i++)
    {
      g_autoptr (GBytes) pac = bytes (table[i].text);

      g_test_message ("%zu", i);
      g_assert_cmpint (phonesec_dot1x_pac_is_loadable (pac), ==, table[i].loadable);
    }
  {
    /* A NUL inside: not the text format. */
    static const char with_nul[] = HEADER "START\n\0\nEND\n";
    g_autoptr (GBytes) pac = g_bytes_new_static (with_nul, sizeof with_nul - 1);

    g_assert_false (phonesec_dot1x_pac_is_loadable (pac));
  }
}

static char *
saved_file (const char *identity, const char *pac)
{
  g_autofree char *encoded = g_base64_encode ((const guchar *) pac, strlen (pac));

  return g_strdup_printf ("[PAC]\nIdentity=%s\nData=%s\n", identity, encoded);
}

static void
test_parse_bad_input (void)
{
  g_autofree char *other = saved_file ("someone-else", GOOD_PAC);
  g_autofree char *broken = saved_file ("phone-4411", HEADER "START\nPAC-Key=00\n");
  g_autofree char *good = saved_file ("phone-4411", GOOD_PAC);
  const char *damaged[] = {
    "",
    "not a key file",
    "[PAC]\nIdentity=phone-4411\n",
    "[PAC]\nData=AAAA\n",
    "[PAC]\nIdentity=phone-4411\nData=!!!not base64!!!\n",
    "[PAC]\nIdentity=phone-4411\nData=\n",
    broken,
  };

  for (gsize i = 0; i < G_N_ELEMENTS (damaged); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) pac
          = phonesec_dot1x_pac_parse (damaged[i], strlen (damaged[i]), "phone-4411", &error);

      g_test_message ("damaged %zu: %s", i, error != NULL ? error->message : "(none)");
      g_assert_null (pac);
      g_assert_error (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED);
      g_assert_nonnull (strstr (error->message, "damaged"));
    }
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GBytes) pac = phonesec_dot1x_pac_parse (other, strlen (other), "phone-4411", &error);

    /* Another identity's: of no use, not damage. */
    g_assert_null (pac);
    g_assert_no_error (error);
  }
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GBytes) pac = phonesec_dot1x_pac_parse (good, strlen (good), "phone-4411", &error);
    g_autoptr (GBytes) expected = bytes (GOOD_PAC);

    g_assert_no_error (error);
    g_assert_true (g_bytes_equal (pac, expected));
  }
}

static void
test_save_and_load (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("phonesec-dot1x-pac-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "eap-fast-pac", NULL);
  g_autoptr (GBytes) pac = bytes (GOOD_PAC);
  g_autoptr (GBytes) refused = bytes (HEADER);
  g_autoptr (GBytes) loaded = NULL, none = NULL;
  GStatBuf st;

  g_assert_no_error (error);
  g_assert_null (phonesec_dot1x_pac_load (dir, "phone-4411", &error));
  g_assert_no_error (error);
  g_assert_true (phonesec_dot1x_pac_save (dir, "phone-4411", pac, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  loaded = phonesec_dot1x_pac_load (dir, "phone-4411", &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (loaded, pac));
  none = phonesec_dot1x_pac_load (dir, "phone-9999", &error);
  g_assert_no_error (error);
  g_assert_null (none);
  /* What wpa_supplicant could not load again is not kept. */
  g_assert_false (phonesec_dot1x_pac_save (dir, "phone-4411", refused, &error));
  g_assert_error (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED);
  g_clear_error (&error);
  /* A damaged file is reported, not given back. */
  g_assert_true (g_file_set_contents (path, "[PAC]\nIdentity=phone-4411\nData=AAAA\n", -1, NULL));
  g_assert_null (phonesec_dot1x_pac_load (dir, "phone-4411", &error));
  g_assert_error (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED);
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/dot1x/pac/loadable", test_loadable);
  g_test_add_func ("/dot1x/pac/parse-bad-input", test_parse_bad_input);
  g_test_add_func ("/dot1x/pac/save-and-load", test_save_and_load);
  return g_test_run ();
}
