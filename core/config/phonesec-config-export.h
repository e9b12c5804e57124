/* phonesec-config-export.h: the configuration as a cfg.xml, never a secret.
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "phonesec-config-store.h"

G_BEGIN_DECLS

/* What @role may read, as a cfg.xml. Secrets are left out; a comment names
 * those that are set. @changed_only: only what differs from the defaults. */
char *phonesec_config_export_profile (PhonesecConfigStore *store, PhonesecRole role,
                                      gboolean changed_only);

G_END_DECLS
