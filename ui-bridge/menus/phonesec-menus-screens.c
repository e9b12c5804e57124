/* phonesec-menus-screens.c: the phone's security screens, as the guide
 * navigates them.
 *
 *   Home
 *   └ Applications
 *     ├ Network configuration
 *     │ ├ Ethernet configuration
 *     │ │ └ 802.1X Authentication       Device authentication, the
 *     │ │   │                           section's other parameters
 *     │ │   └ Transaction status        Dot1x: status, protocol (below)
 *     │ ├ VPN Settings                  the section's parameters, then
 *     │ │                               "Enable VPN connection"
 *     │ └ HTTP Proxy Settings           the section's parameters
 *     └ Status
 *       ├ Status messages               FIPS error and every other problem
 *       ├ VPN Status
 *       ├ Report problem                description, Submit, its status
 *       └ SIP Security                  SipSecurity (slot, below)
 *
 * A settings screen lists every parameter the phone's user may see in its
 * schema section (Config.Describe "section"), in schema order: a plugin
 * that adds a parameter to the section adds a line. A screen with nothing
 * to show is left out of its parent.
 *
 * 802.1X, as the guide draws it: "Device authentication" on/off (the
 * parameter Enable_802.1X_Authentication, applied as the phone's user:
 * read-only or absent as its ua says), the section's other parameters the
 * user may see (the dot1x plugin's), then "Transaction status": the words
 * of the first object with org.phonesec.PhoneSec1.Dot1x in the user's view
 * (State, Method as Protocol, LastError when visible), or a message while
 * there is none.
 *
 * Slots, for plugins being written:
 *  - SIP: a "SIP Security" screen appears under Status when an object with
 *    org.phonesec.PhoneSec1.SipSecurity does; its lines come from the words
 *    module, which shows what that interface's properties will say.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-menus-screens.h"

#include <string.h>

#include <glib/gi18n.h>

#include "phonesec-menus-api.h"
#include "phonesec-menus-items.h"
#include "phonesec-menus-sync.h"
#include "phonesec-status-words.h"

#define IFACE(name) PHONESEC_DBUS_INTERFACE_PREFIX name

/* Schema sections (msgids) shown as settings screens. */
#define SECTION_DOT1X "802.1X Authentication"
#define SECTION_VPN "VPN Settings"
#define SECTION_PROXY "HTTP Proxy Settings"

/* The guide's "Device authentication" switch of the 802.1X screen. */
#define DOT1X_SWITCH "Enable_802.1X_Authentication"

struct _PhonesecMenusScreens
{
  PhonesecMenusSource *source;
  GMenu *home, *applications, *network, *ethernet, *dot1x, *dot1x_status, *vpn, *proxy;
  GMenu *status, *messages, *vpn_status, *report, *sip;
  GHashTable *choice_menus; /* parameter → GMenu of its options */
};

typedef GPtrArray Items; /* of GMenuItem */

static Items *
items_new (void)
{
  return g_ptr_array_new_with_free_func (g_object_unref);
}

static void
add (Items *items, GMenuItem *item)
{
  if (item != NULL)
    g_ptr_array_add (items, item);
}

static void
sync_and_free (GMenu *menu, Items *items)
{
  phonesec_menus_sync (menu, items);
  g_ptr_array_unref (items);
}

/* A line to @screen, only when it has something to show. */
static void
add_screen (Items *items, const char *label, GMenu *screen)
{
  if (g_menu_model_get_n_items (G_MENU_MODEL (screen)) > 0)
    add (items, phonesec_menus_item_submenu (label, G_MENU_MODEL (screen)));
}

static GMenu *
choices_menu (PhonesecMenusScreens *self, const char *name)
{
  GMenu *menu = g_hash_table_lookup (self->choice_menus, name);

  if (menu == NULL)
    {
      menu = g_menu_new ();
      g_hash_table_insert (self->choice_menus, g_strdup (name), menu);
    }
  return menu;
}

/* The lines of every visible parameter of a schema section but @except
 * (nullable), which the screen shows its own way. */
static void
add_section (PhonesecMenusScreens *self, Items *items, const char *section, const char *except)
{
  const GPtrArray *names = phonesec_menus_source_get_names (self->source);

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = names->pdata[i];
      GVariant *description = phonesec_menus_source_get_description (self->source, name);
      const char *its_section = NULL;

      if (g_variant_lookup (description, "section", "&s", &its_section)
          && strcmp (its_section, section) == 0 && g_strcmp0 (name, except) != 0)
        add (items, phonesec_menus_item_parameter (name, description, choices_menu (self, name)));
    }
}

/* A feature's status lines, or @missing while its object is not there. */
static void
add_feature_lines (PhonesecMenusScreens *self, Items *items, const char *interface,
                   const char *missing)
{
  g_autoptr (GVariant) props = phonesec_menus_source_dup_properties (self->source, interface, NULL);
  g_autoptr (GPtrArray) lines = NULL;

  if (props == NULL)
    {
      if (missing != NULL)
        add (items, phonesec_menus_item_message (missing));
      return;
    }
  lines = phonesec_status_words_feature (NULL, interface, props);
  for (guint i = 0; lines != NULL && i < lines->len; i++)
    add (items, phonesec_menus_item_info (g_ptr_array_index (lines, i)));
  if (lines == NULL || lines->len == 0)
    add (items, phonesec_menus_item_message (_ ("No information")));
}

static gboolean
has_interface (PhonesecMenusScreens *self, const char *interface)
{
  g_autoptr (GVariant) props = phonesec_menus_source_dup_properties (self->source, interface, NULL);

  return props != NULL;
}

/* --- Network configuration ---------------------------------------------------- */

/* The guide's "Device authentication" (Authentification du périphérique):
 * the parameter's own line and action (Config.Apply as the user; disabled
 * when ua is ro), worded as the phone says it. Absent when ua is na. */
static void
add_device_authentication (PhonesecMenusScreens *self, Items *items)
{
  GVariant *description = phonesec_menus_source_get_description (self->source, DOT1X_SWITCH);
  GMenuItem *item;

  if (description == NULL)
    return;
  item = phonesec_menus_item_parameter (DOT1X_SWITCH, description, NULL);
  if (item == NULL)
    return;
  g_menu_item_set_label (item, _ ("Device authentication"));
  g_menu_item_set_attribute (item, PHONESEC_MENUS_ATTR_TRUE_WORD, "s", _ ("Enabled"));
  g_menu_item_set_attribute (item, PHONESEC_MENUS_ATTR_FALSE_WORD, "s", _ ("Disabled"));
  add (items, item);
}

static void
update_dot1x_status (PhonesecMenusScreens *self)
{
  Items *status = items_new ();

  add_feature_lines (self, status, IFACE ("Dot1x"), _ ("802.1X is not available on this phone"));
  sync_and_free (self->dot1x_status, status);
}

static void
update_dot1x (PhonesecMenusScreens *self)
{
  Items *dot1x = items_new ();
  Items *ethernet = items_new ();

  update_dot1x_status (self);
  add_device_authentication (self, dot1x);
  add_section (self, dot1x, SECTION_DOT1X, DOT1X_SWITCH);
  if (dot1x->len > 0 || has_interface (self, IFACE ("Dot1x")))
    add (dot1x, phonesec_menus_item_submenu (phonesec_status_words_title (NULL, IFACE ("Dot1x")),
                                             G_MENU_MODEL (self->dot1x_status)));
  sync_and_free (self->dot1x, dot1x);
  add_screen (ethernet, g_dgettext (GETTEXT_PACKAGE, SECTION_DOT1X), self->dot1x);
  sync_and_free (self->ethernet, ethernet);
}

static void
update_vpn_settings (PhonesecMenusScreens *self)
{
  Items *items = items_new ();

  add_section (self, items, SECTION_VPN, NULL);
  if (has_interface (self, IFACE ("Vpn")))
    add (items, phonesec_menus_item_switch (_ ("Enable VPN connection"),
                                            PHONESEC_MENUS_ACTION_VPN_ENABLE, _ ("On"), _ ("Off")));
  sync_and_free (self->vpn, items);
}

static void
update_network (PhonesecMenusScreens *self)
{
  Items *proxy = items_new ();
  Items *network = items_new ();

  update_dot1x (self);
  update_vpn_settings (self);
  add_section (self, proxy, SECTION_PROXY, NULL);
  sync_and_free (self->proxy, proxy);
  add_screen (network, _ ("Ethernet configuration"), self->ethernet);
  add_screen (network, g_dgettext (GETTEXT_PACKAGE, SECTION_VPN), self->vpn);
  add_screen (network, g_dgettext (GETTEXT_PACKAGE, SECTION_PROXY), self->proxy);
  sync_and_free (self->network, network);
}

/* --- Status ---------------------------------------------------------------------- */

static void
update_messages (PhonesecMenusScreens *self)
{
  Items *items = items_new ();
  g_autoptr (GVariant) objects = phonesec_menus_source_dup_objects (self->source);
  g_autoptr (GPtrArray) lines = phonesec_status_words_messages (NULL, objects);

  for (guint i = 0; i < lines->len; i++)
    add (items, phonesec_menus_item_info (g_ptr_array_index (lines, i)));
  if (!phonesec_menus_source_is_ready (self->source))
    add (items, phonesec_menus_item_message (_ ("The security service is not available")));
  else if (lines->len == 0)
    add (items, phonesec_menus_item_message (_ ("No status messages")));
  sync_and_free (self->messages, items);
}

static void
update_report (PhonesecMenusScreens *self)
{
  Items *items = items_new ();

  if (has_interface (self, IFACE ("ProblemReport")))
    {
      add (items, phonesec_menus_item_text (_ ("Problem description"),
                                            PHONESEC_MENUS_ACTION_REPORT_DESCRIPTION, 256));
      add (items, phonesec_menus_item_command (_ ("Submit"), PHONESEC_MENUS_ACTION_REPORT_SUBMIT));
      add_feature_lines (self, items, IFACE ("ProblemReport"), NULL);
    }
  sync_and_free (self->report, items);
}

/* A feature's status screen: its lines while its object is there, else
 * empty (and left out of Status). */
static void
update_feature_screen (PhonesecMenusScreens *self, GMenu *screen, const char *interface)
{
  Items *items = items_new ();

  if (has_interface (self, interface))
    add_feature_lines (self, items, interface, NULL);
  sync_and_free (screen, items);
}

static void
update_status (PhonesecMenusScreens *self)
{
  Items *status = items_new ();

  update_messages (self);
  update_report (self);
  update_feature_screen (self, self->vpn_status, IFACE ("Vpn"));
  update_feature_screen (self, self->sip, IFACE ("SipSecurity"));

  add_screen (status, _ ("Status messages"), self->messages);
  add_screen (status, phonesec_status_words_title (NULL, IFACE ("Vpn")), self->vpn_status);
  add_screen (status, phonesec_status_words_title (NULL, IFACE ("ProblemReport")), self->report);
  add_screen (status, phonesec_status_words_title (NULL, IFACE ("SipSecurity")), self->sip);
  sync_and_free (self->status, status);
}

/* --- public ---------------------------------------------------------------------- */

/* A feature screen is never empty while its object is there (a line, or
 * "No information"), and the messages screen never once phonesecd is read:
 * a property change redraws its lines in place, and no screen comes or
 * goes. */
void
phonesec_menus_screens_update_interface (PhonesecMenusScreens *self, const char *interface)
{
  update_messages (self);
  if (g_strcmp0 (interface, IFACE ("Vpn")) == 0)
    update_feature_screen (self, self->vpn_status, interface);
  else if (g_strcmp0 (interface, IFACE ("SipSecurity")) == 0)
    update_feature_screen (self, self->sip, interface);
  else if (g_strcmp0 (interface, IFACE ("Dot1x")) == 0)
    update_dot1x_status (self);
  else if (g_strcmp0 (interface, IFACE ("ProblemReport")) == 0)
    update_report (self);
}

void
phonesec_menus_screens_update (PhonesecMenusScreens *self)
{
  Items *applications = items_new ();
  Items *home = items_new ();

  update_network (self);
  update_status (self);
  add_screen (applications, _ ("Network configuration"), self->network);
  add_screen (applications, _ ("Status"), self->status);
  sync_and_free (self->applications, applications);
  add (home, phonesec_menus_item_submenu (_ ("Applications"), G_MENU_MODEL (self->applications)));
  sync_and_free (self->home, home);
}

PhonesecMenusScreens *
phonesec_menus_screens_new (PhonesecMenusSource *source)
{
  PhonesecMenusScreens *self = g_new0 (PhonesecMenusScreens, 1);
  GMenu **menus[] = { &self->home,   &self->applications, &self->network,    &self->ethernet,
                      &self->dot1x,  &self->dot1x_status, &self->vpn,        &self->proxy,
                      &self->status, &self->messages,     &self->vpn_status, &self->report,
                      &self->sip };

  self->source = source;
  for (gsize i = 0; i < G_N_ELEMENTS (menus); i++)
    *menus[i] = g_menu_new ();
  self->choice_menus = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  phonesec_menus_screens_update (self);
  return self;
}

void
phonesec_menus_screens_free (PhonesecMenusScreens *self)
{
  if (self == NULL)
    return;
  {
    GMenu *menus[]
        = { self->home,         self->applications, self->network, self->ethernet, self->dot1x,
            self->dot1x_status, self->vpn,          self->proxy,   self->status,   self->messages,
            self->vpn_status,   self->report,       self->sip };
    for (gsize i = 0; i < G_N_ELEMENTS (menus); i++)
      g_object_unref (menus[i]);
  }
  g_hash_table_unref (self->choice_menus);
  g_free (self);
}

GMenuModel *
phonesec_menus_screens_get_model (PhonesecMenusScreens *self)
{
  return G_MENU_MODEL (self->home);
}
