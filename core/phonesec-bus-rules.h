/* phonesec-bus-rules.h: who may see a property, call a method or receive a
 * signal of an interface phonesecd exports, read from its introspection
 * annotations.
 *
 *   org.phonesec.Access      "admin" (administrators only), "user" (any
 *                            caller, the phone's user included) or
 *                            "group:NAME" (administrators and the members
 *                            of group NAME, a service's group: on methods
 *                            and signals; the phone's user as such never)
 *   org.phonesec.Parameters  space-separated parameter names or globs
 *                            ("LDAP_*", "SIP_Port_*_"); "@watch" stands for
 *                            the plugin's Watch list. The member shows or is
 *                            derived from them: a caller sees it exactly when
 *                            it may read every one of them (an admin always;
 *                            the phone's user unless one is hidden, "na").
 *   org.phonesec.ParameterNames "true" on an `as` property whose elements
 *                            are parameter names: each caller sees the names
 *                            it may read.
 *
 * A member without either annotation is for administrators only (and the
 * daemon says so once in its log): forgetting to declare a property must
 * hide it, never leak it.
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "phonesec/phonesec-dbus-names.h"
#include "phonesec-callers.h"
#include "phonesec-config-store.h"

G_BEGIN_DECLS

typedef struct _PhonesecBusRule PhonesecBusRule;
typedef struct _PhonesecBusRules PhonesecBusRules;

/**
 * phonesec_bus_rules_new:
 * @info: the interface (kept referenced)
 * @schema: resolves parameter names and globs (borrowed; fixed once plugins
 *   are discovered)
 * @watch: (nullable): the plugin's Watch patterns, for "@watch"
 */
PhonesecBusRules *phonesec_bus_rules_new (GDBusInterfaceInfo *info, PhonesecSchema *schema,
                                          const char *const *watch);
void phonesec_bus_rules_free (PhonesecBusRules *rules);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecBusRules, phonesec_bus_rules_free)

GDBusInterfaceInfo *phonesec_bus_rules_get_info (PhonesecBusRules *rules);

/* Transfer none; NULL for a member the interface does not have. */
const PhonesecBusRule *phonesec_bus_rules_property (PhonesecBusRules *rules, const char *name);
const PhonesecBusRule *phonesec_bus_rules_method (PhonesecBusRules *rules, const char *name);
const PhonesecBusRule *phonesec_bus_rules_signal (PhonesecBusRules *rules, const char *name);

/* Whether @role may see / call / receive the member now. A "group:NAME"
 * member is allowed to the admin role only: its members are allowed by
 * the caller rule below. */
gboolean phonesec_bus_rule_allows (const PhonesecBusRule *rule, PhonesecConfigStore *store,
                                   PhonesecRole role);
/* The same for one caller: also TRUE for a member of a "group:NAME"
 * member's group. */
gboolean phonesec_bus_rule_allows_caller (const PhonesecBusRule *rule, PhonesecConfigStore *store,
                                          const PhonesecCaller *caller);

/* NAME of a "group:NAME" member, else NULL. */
const char *phonesec_bus_rule_get_group (const PhonesecBusRule *rule);

/* Whether the member depends on @spec's user access. */
gboolean phonesec_bus_rule_depends_on (const PhonesecBusRule *rule, const PhonesecParamSpec *spec);

/**
 * phonesec_bus_rules_filter_properties:
 * @properties: a{sv}, every property of the interface
 *
 * Returns: (transfer full): a new a{sv} with what @role may see (maybe
 *   empty)
 */
GVariant *phonesec_bus_rules_filter_properties (PhonesecBusRules *rules, GVariant *properties,
                                                PhonesecConfigStore *store, PhonesecRole role);

/* @value filtered for @role (ParameterNames lists); transfer full. */
GVariant *phonesec_bus_rule_filter_value (const PhonesecBusRule *rule, GVariant *value,
                                          PhonesecConfigStore *store, PhonesecRole role);

G_END_DECLS
