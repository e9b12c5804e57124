/* phonesec-error.c: the error domain and its D-Bus names, in one table.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gio/gio.h>
#include <string.h>

#include "phonesec/phonesec-dbus-names.h"
#include "phonesec/phonesec-error.h"

static const GDBusErrorEntry phonesec_error_entries[] = {
  { PHONESEC_ERROR_FAILED, PHONESEC_DBUS_ERROR_PREFIX "Failed" },
  { PHONESEC_ERROR_UNKNOWN_PARAMETER, PHONESEC_DBUS_ERROR_PREFIX "UnknownParameter" },
  { PHONESEC_ERROR_INVALID_VALUE, PHONESEC_DBUS_ERROR_PREFIX "InvalidValue" },
  { PHONESEC_ERROR_PERMISSION_DENIED, PHONESEC_DBUS_ERROR_PREFIX "PermissionDenied" },
  { PHONESEC_ERROR_CONFLICT, PHONESEC_DBUS_ERROR_PREFIX "Conflict" },
  { PHONESEC_ERROR_NOT_SUPPORTED, PHONESEC_DBUS_ERROR_PREFIX "NotSupported" },
  { PHONESEC_ERROR_IN_PROGRESS, PHONESEC_DBUS_ERROR_PREFIX "InProgress" },
  { PHONESEC_ERROR_NOT_FOUND, PHONESEC_DBUS_ERROR_PREFIX "NotFound" },
};

G_STATIC_ASSERT (G_N_ELEMENTS (phonesec_error_entries) == PHONESEC_ERROR_N_CODES);

GQuark
phonesec_error_quark (void)
{
  static gsize quark = 0;

  /* Registering the domain makes GDBus send these names (and map them back
   * to PHONESEC_ERROR codes in clients that link libphonesec). */
  g_dbus_error_register_error_domain ("phonesec-error-quark", &quark, phonesec_error_entries,
                                      G_N_ELEMENTS (phonesec_error_entries));
  return (GQuark) quark;
}

char *
phonesec_quote_for_message (const char *text, gssize len)
{
  GString *out = g_string_new (NULL);
  const char *p = text != NULL ? text : "";
  const char *end = p + (len < 0 ? strlen (p) : (gsize) len);
  guint n;

  for (n = 0; p < end; n++)
    {
      gunichar c;

      if (n == PHONESEC_QUOTE_MAX_CHARS)
        {
          g_string_append (out, "…");
          break;
        }
      c = g_utf8_get_char_validated (p, end - p);
      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_printf (out, "\\x%02X", (guchar) *p);
          p++;
          continue;
        }
      /* Two-character escapes for what splits lines: readable, and no
       * "\n" of the input ever reaches the message. */
      if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (g_unichar_isprint (c) && g_unichar_type (c) != G_UNICODE_LINE_SEPARATOR
               && g_unichar_type (c) != G_UNICODE_PARAGRAPH_SEPARATOR)
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      else if (c < 0x100)
        g_string_append_printf (out, "\\x%02X", c);
      else
        g_string_append_printf (out, "\\u%04X", c);
      p = g_utf8_next_char (p);
    }
  return g_string_free (out, FALSE);
}
