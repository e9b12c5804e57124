/* phonesec-firewall-plugin.c: the firewall plugin, org.phonesec.PhoneSec1.Firewall.
 *
 * On activation and on every change of a watched parameter, the plugin
 * reads the parameters (PhonesecFirewallInputs), computes what is open
 * (phonesec-firewall-policy.c), writes it as an nftables script
 * (phonesec-firewall-ruleset.c) and puts it in force through the
 * phonesec-firewall-nft helper (phonesec-firewall-runner.c): checked, then
 * the table replaced in one transaction. That happens in config_changed()
 * itself, before Config.Apply answers: a helper run of a few milliseconds
 * (a fork and a kernel transaction), like the store's own durable write,
 * and it means that when Apply returns the firewall already enforces it. At activation it means the
 * rules are in force before phonesecd reports ready, which is why the unit is ordered before
 * network-pre.target.
 *
 * Fail closed: deactivate() (daemon stop, restart, re-execution) leaves
 * the table in force, and a crash cannot remove it either. Only
 * Firewall=Disabled deletes it. A ruleset nftables refuses leaves the one
 * in force; with none in force, a closed one is put in its place.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gi18n-lib.h>
#include <phonesec/phonesec.h>

#include "phonesec-firewall-generated.h"
#include "phonesec-firewall-policy.h"
#include "phonesec-firewall-ruleset.h"
#include "phonesec-firewall-runner.h"

#define PHONESEC_TYPE_FIREWALL_PLUGIN (phonesec_firewall_plugin_get_type ())
G_DECLARE_FINAL_TYPE (PhonesecFirewallPlugin, phonesec_firewall_plugin, PHONESEC, FIREWALL_PLUGIN,
                      GObject)

struct _PhonesecFirewallPlugin
{
  GObject parent_instance;

  PhonesecContext *context; /* from activation to deactivation */
  PhonesecFirewallDBusFirewall *iface;
  PhonesecFirewallRunner *nft; /* the helper */
};

static void phonesec_firewall_plugin_iface_init (PhonesecPluginInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PhonesecFirewallPlugin, phonesec_firewall_plugin, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PHONESEC_TYPE_PLUGIN,
                                                      phonesec_firewall_plugin_iface_init))

/* --- the parameters -------------------------------------------------------- */

/* The inputs and the memory they borrow. */
typedef struct
{
  PhonesecFirewallInputs inputs;
  char *options;
  GArray *lines; /* PhonesecFirewallLine */
} Parameters;

static void
parameters_clear (Parameters *p)
{
  g_free (p->options);
  g_clear_pointer (&p->lines, g_array_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Parameters, parameters_clear)

static guint16
get_port (PhonesecFirewallPlugin *self, const char *name)
{
  return (guint16) CLAMP (phonesec_context_get_int (self->context, name), 0, G_MAXUINT16);
}

static void
read_lines (PhonesecFirewallPlugin *self, Parameters *p)
{
  guint n = phonesec_context_get_line_count (self->context);

  p->lines = g_array_sized_new (FALSE, TRUE, sizeof (PhonesecFirewallLine), n);
  for (guint i = 1; i <= n; i++)
    {
      g_autofree char *enable = g_strdup_printf ("Line_Enable_%u_", i);
      g_autofree char *port = g_strdup_printf ("SIP_Port_%u_", i);
      g_autofree char *transport_name = g_strdup_printf ("SIP_Transport_%u_", i);
      g_autofree char *transport = phonesec_context_dup_string (self->context, transport_name);
      PhonesecFirewallLine line = {
        .enabled = phonesec_context_get_bool (self->context, enable),
        .sip_port = get_port (self, port),
        .transport = phonesec_firewall_sip_transport_from_string (transport),
      };

      g_array_append_val (p->lines, line);
    }
  p->inputs.n_lines = p->lines->len;
  p->inputs.lines = (const PhonesecFirewallLine *) (gpointer) p->lines->data;
}

static void
read_parameters (PhonesecFirewallPlugin *self, Parameters *p)
{
  PhonesecContext *ctx = self->context;
  g_autofree char *protocol = phonesec_context_dup_string (ctx, "Enable_Protocol");
  g_autofree char *request_url = phonesec_context_dup_string (ctx, "Connection_Request_URL");

  p->options = phonesec_context_dup_string (ctx, "Firewall_Config");
  p->inputs.options = p->options;
  p->inputs.rtp_min = get_port (self, "RTP_Port_Min");
  p->inputs.rtp_max = get_port (self, "RTP_Port_Max");
  p->inputs.web_server = phonesec_context_get_bool (ctx, "Enable_Web_Server");
  /* As phonesec-web decides its port. */
  p->inputs.web_https = g_strcmp0 (protocol, "Http") != 0;
  p->inputs.web_port = get_port (self, "Web_Server_Port");
  p->inputs.upgrade = phonesec_context_get_bool (ctx, "Upgrade_Enable");
  p->inputs.peer_firmware_sharing = phonesec_context_get_bool (ctx, "Peer_Firmware_Sharing");
  /* FIPS mode turns TR-069 off (FIPS_Mode's help). */
  p->inputs.tr069 = phonesec_context_get_bool (ctx, "Enable_TR-069")
                    && !phonesec_context_get_bool (ctx, "FIPS_Mode");
  p->inputs.tr069_request_port = phonesec_firewall_url_port (request_url);
  read_lines (self, p);
}

/* --- what the object shows --------------------------------------------------- */

static GVariant *
open_ports_variant (const PhonesecFirewallPolicy *policy)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(sqqs)"));
  for (guint i = 0; policy != NULL && i < policy->holes->len; i++)
    {
      const PhonesecFirewallHole *hole = &g_array_index (policy->holes, PhonesecFirewallHole, i);
      g_autofree char *why = phonesec_firewall_hole_describe (hole, TRUE);

      g_variant_builder_add (&builder, "(sqqs)", phonesec_firewall_protocol_name (hole->protocol),
                             hole->first, hole->last, why);
    }
  return g_variant_builder_end (&builder);
}

/* @policy: what is in force now (%NULL: nothing) */
/* @listing: the table as nftables has it, %NULL when there is none */
static void
show_in_force (PhonesecFirewallPlugin *self, const PhonesecFirewallPolicy *policy,
               const char *listing)
{
  phonesec_firewall_dbus_firewall_set_open_ports (self->iface, open_ports_variant (policy));
  phonesec_firewall_dbus_firewall_set_ruleset (self->iface, listing != NULL ? listing : "");
}

static void
show_state (PhonesecFirewallPlugin *self, const char *state, const char *last_error)
{
  phonesec_firewall_dbus_firewall_set_state (self->iface, state);
  phonesec_firewall_dbus_firewall_set_last_error (self->iface,
                                                  last_error != NULL ? last_error : "");
}

/* --- putting rules in force ---------------------------------------------------- */

/* In force then shown, in one run of the helper. */
static gboolean
put_in_force (PhonesecFirewallPlugin *self, const PhonesecFirewallPolicy *policy, GError **error)
{
  g_autofree char *script = phonesec_firewall_ruleset_render (policy);
  g_autofree char *listing = NULL;

  if (!phonesec_firewall_runner_run (self->nft, script, PHONESEC_FIREWALL_TABLE, &listing, error))
    return FALSE;
  show_in_force (self, policy, listing);
  return TRUE;
}

/* The configured ruleset could not be put in force (@why). The one in
 * force stays; with none, the closed one takes its place. */
static void
fail_closed (PhonesecFirewallPlugin *self, const GError *why)
{
  g_autofree char *in_force = phonesec_firewall_runner_list (self->nft, PHONESEC_FIREWALL_TABLE);
  g_autoptr (PhonesecFirewallPolicy) closed = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;

  if (in_force != NULL)
    {
      message = g_strdup_printf (_ ("The firewall rules were not changed: %s"), why->message);
      phonesec_firewall_dbus_firewall_set_ruleset (self->iface, in_force);
      phonesec_context_set_error (self->context, NULL);
    }
  else if (put_in_force (self, closed = phonesec_firewall_policy_new_closed (), &error))
    {
      message = g_strdup_printf (_ ("%s; until this is fixed the firewall lets in only replies to "
                                    "the phone's own traffic, DHCP and neighbour discovery"),
                                 why->message);
      phonesec_context_set_error (self->context, NULL);
    }
  else
    {
      /* nftables cannot be used at all: say so on the plugin too
       * (Plugin.State=error). Rules already in the kernel stay, and
       * OpenPorts and Ruleset keep showing the last ones known. */
      message = g_strdup_printf (_ ("The firewall cannot use nftables (%s), nor change the rules "
                                    "in force: %s"),
                                 error->message, why->message);
      phonesec_context_set_error (self->context, message);
    }
  g_warning ("%s", message);
  show_state (self, "error", message);
}

static gboolean
disable (PhonesecFirewallPlugin *self, GError **error)
{
  g_autoptr (GError) local = NULL;

  if (!phonesec_firewall_runner_run (self->nft, phonesec_firewall_ruleset_remove_script (), NULL,
                                     NULL, &local))
    {
      g_prefix_error (&local, _ ("The firewall could not be removed, its rules stay in force: "));
      g_warning ("%s", local->message);
      show_state (self, "error", local->message);
      phonesec_context_set_error (self->context, local->message);
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  g_message ("Firewall=Disabled: the firewall table is removed");
  show_in_force (self, NULL, NULL);
  show_state (self, "disabled", NULL);
  phonesec_context_set_error (self->context, NULL);
  return TRUE;
}

/* Puts the current parameters in force; FALSE with @error (also shown in
 * LastError) when it could not. */
static gboolean
apply (PhonesecFirewallPlugin *self, GError **error)
{
  g_auto (Parameters) parameters = { 0 };
  g_autoptr (PhonesecFirewallPolicy) policy = NULL;
  g_autoptr (GError) local = NULL;

  if (!phonesec_context_get_bool (self->context, "Firewall"))
    return disable (self, error);

  read_parameters (self, &parameters);
  policy = phonesec_firewall_policy_new (&parameters.inputs, &local);
  if (policy == NULL || !put_in_force (self, policy, &local))
    {
      fail_closed (self, local);
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  g_debug ("Firewall rules in force, %u open port ranges", policy->holes->len);
  show_state (self, "active", NULL);
  phonesec_context_set_error (self->context, NULL);
  return TRUE;
}

static gboolean
on_handle_reload (PhonesecFirewallDBusFirewall *iface, GDBusMethodInvocation *invocation,
                  gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (apply (user_data, &error))
    phonesec_firewall_dbus_firewall_complete_reload (iface, invocation);
  else
    g_dbus_method_invocation_return_error_literal (
        invocation, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
        phonesec_firewall_dbus_firewall_get_last_error (iface));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* --- PhonesecPlugin ------------------------------------------------------------ */

static void
stop (PhonesecFirewallPlugin *self)
{
  if (self->context != NULL && self->iface != NULL)
    phonesec_context_unexport_interface (self->context, G_DBUS_INTERFACE_SKELETON (self->iface));
  g_clear_object (&self->iface);
  g_clear_object (&self->nft);
  g_clear_object (&self->context);
}

static gboolean
phonesec_firewall_plugin_activate (PhonesecPlugin *plugin, PhonesecContext *context, GError **error)
{
  PhonesecFirewallPlugin *self = PHONESEC_FIREWALL_PLUGIN (plugin);

  self->nft = phonesec_firewall_runner_new (error);
  if (self->nft == NULL)
    return FALSE;
  g_set_object (&self->context, context);
  self->iface = phonesec_firewall_dbus_firewall_skeleton_new ();
  g_signal_connect (self->iface, "handle-reload", G_CALLBACK (on_handle_reload), self);
  /* Whatever is in the table (a previous run's rules, anything) is
   * replaced now, before the interface and the daemon are up. A failure
   * shows on the object; the plugin runs on to retry at the next change. */
  apply (self, NULL);
  phonesec_context_export_interface (context, G_DBUS_INTERFACE_SKELETON (self->iface));
  return TRUE;
}

/* Leaves the rules in force: a daemon that stops or restarts must not
 * open the phone. */
static void
phonesec_firewall_plugin_deactivate (PhonesecPlugin *plugin)
{
  stop (PHONESEC_FIREWALL_PLUGIN (plugin));
}

static void
phonesec_firewall_plugin_config_changed (PhonesecPlugin *plugin, const char *const *names)
{
  PhonesecFirewallPlugin *self = PHONESEC_FIREWALL_PLUGIN (plugin);

  if (self->iface != NULL)
    apply (self, NULL);
}

static void
phonesec_firewall_plugin_iface_init (PhonesecPluginInterface *iface)
{
  iface->activate = phonesec_firewall_plugin_activate;
  iface->deactivate = phonesec_firewall_plugin_deactivate;
  iface->config_changed = phonesec_firewall_plugin_config_changed;
}

/* --- GObject --------------------------------------------------------------------- */

static void
phonesec_firewall_plugin_dispose (GObject *object)
{
  stop (PHONESEC_FIREWALL_PLUGIN (object));
  G_OBJECT_CLASS (phonesec_firewall_plugin_parent_class)->dispose (object);
}

static void
phonesec_firewall_plugin_class_init (PhonesecFirewallPluginClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = phonesec_firewall_plugin_dispose;
}

static void
phonesec_firewall_plugin_init (PhonesecFirewallPlugin *self)
{
}

PHONESEC_PLUGIN_DEFINE (phonesec_firewall_plugin_get_type)
