/* phonesec-prov-report.h: the status report Report_Rule uploads, the
 * phone's status.xml-like document. Pure: state in, text out.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <phonesec/phonesec.h>

G_BEGIN_DECLS

/**
 * phonesec_prov_report_build:
 * @device: the identity (name, product, serial, versions)
 * @objects: a{oa{sa{sv}}}: the objects' properties as the phone's user
 *   sees them (phonesec_context_dup_objects_for (PHONESEC_VIEW_USER))
 * @profile: the configuration as the phone's user may read it
 *   (phonesec_context_export_profile_for (PHONESEC_VIEW_USER)): no secret,
 *   no hidden (`na`) parameter
 * @now: the report's time stamp
 *
 * `<status>` with the device's attributes, one `<object>` per object with
 * its `<property>` values (GVariant text form), then the `<flat-profile>`.
 * Everything it says comes from the arguments: give it only what may
 * leave the phone.
 *
 * Returns: (transfer full): the UTF-8 XML document
 */
char *phonesec_prov_report_build (PhonesecDevice *device, GVariant *objects, const char *profile,
                                  GDateTime *now);

G_END_DECLS
