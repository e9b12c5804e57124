/* fuzz-profile.c: libFuzzer target for the cfg.xml reader and writer.
 *
 * Besides memory safety (ASan/UBSan), checks:
 * - errors are PHONESEC_ERROR_INVALID_VALUE, start with "line ", are valid
 *   UTF-8 and short whatever the input (user input is quoted cut);
 * - entries and problems are valid UTF-8, values carry no surrounding
 *   white space, problems are short;
 * - writing the entries back and re-parsing gives the same entries (name,
 *   value, ua) and no problem.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "phonesec-profile.h"
#include "phonesec/phonesec-error.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Generous: a message is a sentence plus a few 40-character quotes. */
#define MAX_MESSAGE_BYTES 1024

static void
check (gboolean ok, const char *what)
{
  if (ok)
    return;
  g_printerr ("fuzz-profile: %s\n", what);
  abort ();
}

static gboolean
is_xml_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void
check_message (const char *message)
{
  check (g_utf8_validate (message, -1, NULL), "message is not UTF-8");
  check (strlen (message) < MAX_MESSAGE_BYTES, "message too long");
  check (g_str_has_prefix (message, "line ") || strstr (message, "not listed") != NULL
             || strstr (message, "16 MiB") != NULL,
         "message without a line");
}

static void
check_profile (const PhonesecProfile *profile)
{
  for (guint i = 0; i < profile->entries->len; i++)
    {
      const PhonesecProfileEntry *entry = g_ptr_array_index (profile->entries, i);
      gsize len;

      check (entry->name != NULL && entry->value != NULL, "entry without name or value");
      check (g_utf8_validate (entry->name, -1, NULL), "name is not UTF-8");
      check (g_utf8_validate (entry->value, -1, NULL), "value is not UTF-8");
      check (entry->ua == NULL || g_utf8_validate (entry->ua, -1, NULL), "ua is not UTF-8");
      check (entry->line >= 1, "line 0");
      len = strlen (entry->value);
      check (len == 0 || (!is_xml_space (entry->value[0]) && !is_xml_space (entry->value[len - 1])),
             "value not stripped");
    }
  for (guint i = 0; i < profile->problems->len; i++)
    check_message (g_ptr_array_index (profile->problems, i));
}

static void
on_log (const char *domain, GLogLevelFlags level, const char *message,
        G_GNUC_UNUSED gpointer user_data)
{
  if (level & (G_LOG_FLAG_FATAL | G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    {
      g_printerr ("fuzz-profile: %s: %s\n", domain ? domain : "", message);
      abort ();
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static gboolean initialized = FALSE;
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecProfile) profile = NULL;
  g_autoptr (PhonesecProfile) again = NULL;
  g_autofree char *xml = NULL;
  PhonesecProfileWriter *writer;

  if (!initialized)
    {
      /* A g_return_if_fail() in the writer means it refused a parsed name;
       * GLib warnings reveal misuse. abort() (not GLib's SIGTRAP) so that
       * libFuzzer keeps the input. */
      g_log_set_default_handler (on_log, NULL);
      initialized = TRUE;
    }

  profile = phonesec_profile_parse ((const char *) data, size, &error);
  if (profile == NULL)
    {
      check (g_error_matches (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE),
             "wrong error domain or code");
      check_message (error->message);
      return 0;
    }
  check (error == NULL, "profile and error");
  check_profile (profile);

  writer = phonesec_profile_writer_new ();
  phonesec_profile_writer_add_comment (writer, size > 0 && data[0] == '-' ? "--->" : "x--y-");
  for (guint i = 0; i < profile->entries->len; i++)
    {
      const PhonesecProfileEntry *entry = g_ptr_array_index (profile->entries, i);

      phonesec_profile_writer_add (writer, entry->name, entry->value, entry->ua);
      /* Comments between entries must not change them either. */
      if (i % 7 == 3)
        phonesec_profile_writer_add_comment (writer, entry->value);
    }
  xml = phonesec_profile_writer_finish (writer);

  again = phonesec_profile_parse (xml, -1, &error);
  if (again == NULL)
    {
      g_printerr ("fuzz-profile: re-parse failed: %s\n%s\n", error->message, xml);
      abort ();
    }
  check (again->problems->len == 0, "the writer's output has problems");
  check (again->entries->len == profile->entries->len, "entry count differs");
  for (guint i = 0; i < profile->entries->len; i++)
    {
      const PhonesecProfileEntry *a = g_ptr_array_index (profile->entries, i);
      const PhonesecProfileEntry *b = g_ptr_array_index (again->entries, i);

      if (g_strcmp0 (a->name, b->name) != 0 || g_strcmp0 (a->value, b->value) != 0
          || g_strcmp0 (a->ua, b->ua) != 0)
        {
          g_printerr ("fuzz-profile: entry %u differs: <%s ua=%s>%s vs <%s ua=%s>%s\n%s\n", i,
                      a->name, a->ua ? a->ua : "(none)", a->value, b->name,
                      b->ua ? b->ua : "(none)", b->value, xml);
          abort ();
        }
    }
  return 0;
}
