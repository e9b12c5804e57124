/* phonesec.h: the phonesec plugin SDK.
 *
 * A plugin includes only this header and links with `pkg-config phonesec-plugin`.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#define PHONESEC_INSIDE
#include <phonesec/phonesec-dbus-names.h>
#include <phonesec/phonesec-error.h>
#include <phonesec/phonesec-secret.h>
#include <phonesec/phonesec-credentials.h>
#include <phonesec/phonesec-device.h>
#include <phonesec/phonesec-domains.h>
#include <phonesec/phonesec-http.h>
#include <phonesec/phonesec-macro.h>
#include <phonesec/phonesec-rule.h>
#include <phonesec/phonesec-crash.h>
#include <phonesec/phonesec-metrics.h>
#include <phonesec/phonesec-upload.h>
#include <phonesec/phonesec-tftp.h>
#include <phonesec/phonesec-context.h>
#include <phonesec/phonesec-plugin.h>
#include <phonesec/phonesec-log.h>
#undef PHONESEC_INSIDE
