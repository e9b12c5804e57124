/* phonesec-error.c: the error domain and its D-Bus names, in one table.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gio/gio.h>

#include "phonesec/phonesec-error.h"

static const GDBusErrorEntry phonesec_error_entries[] = {
  { PHONESEC_ERROR_FAILED, "org.phonesec.PhoneSec1.Error.Failed" },
  { PHONESEC_ERROR_UNKNOWN_PARAMETER, "org.phonesec.PhoneSec1.Error.UnknownParameter" },
  { PHONESEC_ERROR_INVALID_VALUE, "org.phonesec.PhoneSec1.Error.InvalidValue" },
  { PHONESEC_ERROR_PERMISSION_DENIED, "org.phonesec.PhoneSec1.Error.PermissionDenied" },
  { PHONESEC_ERROR_CONFLICT, "org.phonesec.PhoneSec1.Error.Conflict" },
  { PHONESEC_ERROR_NOT_SUPPORTED, "org.phonesec.PhoneSec1.Error.NotSupported" },
  { PHONESEC_ERROR_IN_PROGRESS, "org.phonesec.PhoneSec1.Error.InProgress" },
  { PHONESEC_ERROR_NOT_FOUND, "org.phonesec.PhoneSec1.Error.NotFound" },
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
  return (GQuark)quark;
}
