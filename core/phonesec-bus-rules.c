/* phonesec-bus-rules.c: member visibility from introspection annotations.
 *
 * The parameters of a member are resolved once, when the interface is
 * exported: the schema is complete by then (plugin fragments are read at
 * discovery), so a check is a walk over a few specs and their current ua.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <grp.h>
#include <string.h>

#include "phonesec-bus-rules.h"

#define GROUP_PREFIX "group:"

struct _PhonesecBusRule
{
  gboolean admin_only;
  gboolean names_list;
  gboolean group_access; /* "group:NAME": admins and members of group_gid */
  char *group_name;
  gboolean have_group_gid;
  guint32 group_gid;
  GPtrArray *specs; /* const PhonesecParamSpec*, borrowed from the schema */
};

typedef enum
{
  MEMBER_PROPERTY,
  MEMBER_METHOD,
  MEMBER_SIGNAL,
} MemberKind;

struct _PhonesecBusRules
{
  GDBusInterfaceInfo *info;
  GHashTable *properties; /* name → PhonesecBusRule* */
  GHashTable *methods;
  GHashTable *signals;
};

static void
rule_free (PhonesecBusRule *rule)
{
  g_ptr_array_unref (rule->specs);
  g_free (rule->group_name);
  g_free (rule);
}

static void
add_matching (GPtrArray *specs, PhonesecSchema *schema, const char *pattern)
{
  const GPtrArray *all = phonesec_schema_get_all (schema);
  g_autoptr (GPatternSpec) glob = NULL;

  if (strpbrk (pattern, "*?") == NULL)
    {
      const PhonesecParamSpec *spec = phonesec_schema_lookup (schema, pattern);

      if (spec != NULL)
        g_ptr_array_add (specs, (gpointer) spec);
      return;
    }
  glob = g_pattern_spec_new (pattern);
  for (guint i = 0; i < all->len; i++)
    {
      const PhonesecParamSpec *spec = all->pdata[i];

      if (g_pattern_spec_match_string (glob, spec->name))
        g_ptr_array_add (specs, (gpointer) spec);
    }
}

/* "group:NAME": resolved once, when the interface is exported. A group that
 * does not exist leaves the member to administrators. Properties are read
 * through views made per role (GetAll, GetManagedObjects, PropertiesChanged),
 * which have no room for a group: a service reads its state by a method. */
static void
rule_set_group (PhonesecBusRule *rule, const char *interface, const char *member, MemberKind kind,
                const char *name)
{
  struct group *group = name[0] != '\0' ? getgrnam (name) : NULL;

  rule->admin_only = TRUE;
  if (kind == MEMBER_PROPERTY)
    {
      g_warning ("%s.%s: %s%s applies to methods and signals only; the property is for "
                 "administrators",
                 interface, member, GROUP_PREFIX, name);
      return;
    }
  rule->group_access = TRUE;
  rule->group_name = g_strdup (name);
  if (group == NULL)
    {
      g_warning ("%s.%s: group \"%s\" does not exist: only administrators may use it", interface,
                 member, name);
      return;
    }
  rule->have_group_gid = TRUE;
  rule->group_gid = group->gr_gid;
}

static PhonesecBusRule *
rule_new (const char *interface, const char *member, MemberKind kind,
          GDBusAnnotationInfo **annotations, PhonesecSchema *schema, const char *const *watch)
{
  PhonesecBusRule *rule = g_new0 (PhonesecBusRule, 1);
  const char *access = g_dbus_annotation_info_lookup (annotations, PHONESEC_DBUS_ANNOTATION_ACCESS);
  const char *parameters
      = g_dbus_annotation_info_lookup (annotations, PHONESEC_DBUS_ANNOTATION_PARAMETERS);
  const char *names
      = g_dbus_annotation_info_lookup (annotations, PHONESEC_DBUS_ANNOTATION_PARAMETER_NAMES);
  g_auto (GStrv) patterns = NULL;

  rule->specs = g_ptr_array_new ();
  rule->names_list = g_strcmp0 (names, "true") == 0;
  if (access == NULL && parameters == NULL)
    {
      /* Hide what nobody declared: a forgotten annotation must not leak. */
      g_warning ("%s.%s declares neither %s nor %s: only administrators see it", interface, member,
                 PHONESEC_DBUS_ANNOTATION_ACCESS, PHONESEC_DBUS_ANNOTATION_PARAMETERS);
      rule->admin_only = TRUE;
      return rule;
    }
  if (access != NULL && g_str_has_prefix (access, GROUP_PREFIX))
    rule_set_group (rule, interface, member, kind, access + strlen (GROUP_PREFIX));
  else if (access != NULL && !g_str_equal (access, "user"))
    {
      if (!g_str_equal (access, "admin"))
        g_warning ("%s.%s: %s=\"%s\" is neither admin nor user; taken as admin", interface, member,
                   PHONESEC_DBUS_ANNOTATION_ACCESS, access);
      rule->admin_only = TRUE;
    }
  patterns = g_strsplit_set (parameters != NULL ? parameters : "", " \t\n,;", -1);
  for (guint i = 0; patterns[i] != NULL; i++)
    {
      if (patterns[i][0] == '\0')
        continue;
      if (g_str_equal (patterns[i], "@watch"))
        for (guint w = 0; watch != NULL && watch[w] != NULL; w++)
          add_matching (rule->specs, schema, watch[w]);
      else
        add_matching (rule->specs, schema, patterns[i]);
    }
  return rule;
}

PhonesecBusRules *
phonesec_bus_rules_new (GDBusInterfaceInfo *info, PhonesecSchema *schema, const char *const *watch)
{
  PhonesecBusRules *rules = g_new0 (PhonesecBusRules, 1);

  rules->info = g_dbus_interface_info_ref (info);
  rules->properties
      = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) rule_free);
  rules->methods
      = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) rule_free);
  rules->signals
      = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) rule_free);
  for (guint i = 0; info->properties != NULL && info->properties[i] != NULL; i++)
    g_hash_table_insert (rules->properties, info->properties[i]->name,
                         rule_new (info->name, info->properties[i]->name, MEMBER_PROPERTY,
                                   info->properties[i]->annotations, schema, watch));
  for (guint i = 0; info->methods != NULL && info->methods[i] != NULL; i++)
    g_hash_table_insert (rules->methods, info->methods[i]->name,
                         rule_new (info->name, info->methods[i]->name, MEMBER_METHOD,
                                   info->methods[i]->annotations, schema, watch));
  for (guint i = 0; info->signals != NULL && info->signals[i] != NULL; i++)
    g_hash_table_insert (rules->signals, info->signals[i]->name,
                         rule_new (info->name, info->signals[i]->name, MEMBER_SIGNAL,
                                   info->signals[i]->annotations, schema, watch));
  return rules;
}

void
phonesec_bus_rules_free (PhonesecBusRules *rules)
{
  if (rules == NULL)
    return;
  g_hash_table_unref (rules->properties);
  g_hash_table_unref (rules->methods);
  g_hash_table_unref (rules->signals);
  g_dbus_interface_info_unref (rules->info);
  g_free (rules);
}

GDBusInterfaceInfo *
phonesec_bus_rules_get_info (PhonesecBusRules *rules)
{
  return rules->info;
}

const PhonesecBusRule *
phonesec_bus_rules_property (PhonesecBusRules *rules, const char *name)
{
  return g_hash_table_lookup (rules->properties, name);
}

const PhonesecBusRule *
phonesec_bus_rules_method (PhonesecBusRules *rules, const char *name)
{
  return g_hash_table_lookup (rules->methods, name);
}

const PhonesecBusRule *
phonesec_bus_rules_signal (PhonesecBusRules *rules, const char *name)
{
  return g_hash_table_lookup (rules->signals, name);
}

gboolean
phonesec_bus_rule_allows (const PhonesecBusRule *rule, PhonesecConfigStore *store,
                          PhonesecRole role)
{
  if (role == PHONESEC_ROLE_ADMIN)
    return TRUE;
  if (rule == NULL || rule->admin_only)
    return FALSE;
  for (guint i = 0; i < rule->specs->len; i++)
    if (!phonesec_config_store_can_read (store, rule->specs->pdata[i], role))
      return FALSE;
  return TRUE;
}

gboolean
phonesec_bus_rule_allows_caller (const PhonesecBusRule *rule, PhonesecConfigStore *store,
                                 const PhonesecCaller *caller)
{
  /* A service's group is trusted with what the member shows, whatever
   * the parameters' ua: the ua is about the phone's user. */
  if (rule != NULL && rule->group_access && !caller->admin)
    return rule->have_group_gid && phonesec_caller_in_group (caller, rule->group_gid);
  return phonesec_bus_rule_allows (rule, store,
                                   caller->admin ? PHONESEC_ROLE_ADMIN : PHONESEC_ROLE_USER);
}

const char *
phonesec_bus_rule_get_group (const PhonesecBusRule *rule)
{
  return rule != NULL ? rule->group_name : NULL;
}

gboolean
phonesec_bus_rule_depends_on (const PhonesecBusRule *rule, const PhonesecParamSpec *spec)
{
  return rule->names_list || g_ptr_array_find (rule->specs, spec, NULL);
}

GVariant *
phonesec_bus_rule_filter_value (const PhonesecBusRule *rule, GVariant *value,
                                PhonesecConfigStore *store, PhonesecRole role)
{
  PhonesecSchema *schema;
  GVariantBuilder names;
  GVariantIter iter;
  const char *name;

  if (!rule->names_list || role == PHONESEC_ROLE_ADMIN
      || !g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY))
    return g_variant_ref (value);
  schema = phonesec_config_store_get_schema (store);
  g_variant_builder_init (&names, G_VARIANT_TYPE_STRING_ARRAY);
  g_variant_iter_init (&iter, value);
  while (g_variant_iter_next (&iter, "&s", &name))
    {
      const PhonesecParamSpec *spec = phonesec_schema_lookup (schema, name);

      if (spec != NULL && phonesec_config_store_can_read (store, spec, role))
        g_variant_builder_add (&names, "s", name);
    }
  return g_variant_ref_sink (g_variant_builder_end (&names));
}

GVariant *
phonesec_bus_rules_filter_properties (PhonesecBusRules *rules, GVariant *properties,
                                      PhonesecConfigStore *store, PhonesecRole role)
{
  GVariantBuilder builder;
  GVariantIter iter;
  const char *name;
  GVariant *value;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_iter_init (&iter, properties);
  while (g_variant_iter_loop (&iter, "{&sv}", &name, &value))
    {
      const PhonesecBusRule *rule = phonesec_bus_rules_property (rules, name);

      if (rule != NULL && phonesec_bus_rule_allows (rule, store, role))
        {
          g_autoptr (GVariant) shown = phonesec_bus_rule_filter_value (rule, value, store, role);

          g_variant_builder_add (&builder, "{sv}", name, shown);
        }
    }
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}
