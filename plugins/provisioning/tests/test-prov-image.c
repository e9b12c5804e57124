/* test-prov-image.c: what phonesec does to a firmware image before the
 * install hook: its version from its file name against
 * Downgrade_Rev_Limit, with bad input.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "phonesec-prov-image.h"

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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/prov-image/version", test_version);
  g_test_add_func ("/prov-image/limit", test_limit);
  g_test_add_func ("/prov-image/limit-bad-names", test_limit_bad_names);
  return g_test_run ();
}
