/* phonesec-status-words.h: plugin state in the words of the guide's status
 * screens.
 *
 * One source of words for every screen that shows the phone's security
 * state to a person: the phone menus (ui-bridge/menus) and the web UI's
 * Info > Status page. Each function takes the properties of one feature
 * interface as phonesecd shows them to the reader (Manager.GetObjects or
 * GetAll: a{sv}) and returns the lines of its status screen, translated.
 * A property that is absent (hidden from this reader) gives no line: the
 * words never show more than the reader may see.
 *
 * Not installed; ui-bridge programs link the static library.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * PhonesecStatusLevel:
 * @PHONESEC_STATUS_LEVEL_INFO: a plain fact.
 * @PHONESEC_STATUS_LEVEL_WARNING: works, but less safely than it should
 *   (LDAP in plaintext, an unusable cipher list).
 * @PHONESEC_STATUS_LEVEL_ERROR: does not work (a failed VPN, a FIPS error).
 */
typedef enum
{
  PHONESEC_STATUS_LEVEL_INFO,
  PHONESEC_STATUS_LEVEL_WARNING,
  PHONESEC_STATUS_LEVEL_ERROR,
} PhonesecStatusLevel;

/**
 * PhonesecStatusLine:
 * @id: stable identifier of the line ("vpn.connection", "firewall.port.2"),
 *   for tests and for a page that updates one cell live.
 * @label: the translated label ("VPN connection").
 * @value: the translated value ("Connected"); may be empty.
 * @level: how a screen should mark it.
 */
typedef struct
{
  char *id;
  char *label;
  char *value;
  PhonesecStatusLevel level;
} PhonesecStatusLine;

/* "info", "warning" or "error": how screens name a level (a menu item's
 * attribute, a CSS class). */
const char *phonesec_status_level_to_string (PhonesecStatusLevel level);

void phonesec_status_line_free (PhonesecStatusLine *line);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecStatusLine, phonesec_status_line_free)

/**
 * PhonesecStatusTranslateFunc:
 * @msgid: an English msgid of the "phonesec" gettext domain.
 * @user_data: as given with the function.
 *
 * Returns: (transfer none): the text in the reader's language (or @msgid).
 * The web UI answers each request in its browser's language, so it gives
 * its own lookup; NULL means g_dgettext ("phonesec", msgid), the process
 * locale (the phone menus).
 */
typedef const char *(*PhonesecStatusTranslateFunc) (const char *msgid, gpointer user_data);

typedef struct
{
  PhonesecStatusTranslateFunc translate; /* NULL: the process locale */
  gpointer user_data;
} PhonesecStatusWords;

/* Translates @msgid with @words (NULL: the process locale). */
const char *phonesec_status_words_translate (const PhonesecStatusWords *words, const char *msgid)
    G_GNUC_FORMAT (2);

/**
 * phonesec_status_words_title:
 * @interface: a feature interface name (org.phonesec.PhoneSec1.Vpn).
 *
 * Returns: (transfer none) (nullable): the translated title of its status
 * screen ("VPN Status"), or %NULL for an interface without one.
 */
const char *phonesec_status_words_title (const PhonesecStatusWords *words, const char *interface);

/**
 * phonesec_status_words_feature:
 * @interface: a feature interface name.
 * @properties: (nullable): its properties as the reader sees them (a{sv}).
 *
 * Returns: (transfer full) (element-type PhonesecStatusLine): the lines of
 * the feature's status screen in the guide's order (possibly none), or
 * %NULL when @interface has no status screen.
 */
GPtrArray *phonesec_status_words_feature (const PhonesecStatusWords *words, const char *interface,
                                          GVariant *properties);

/**
 * phonesec_status_words_messages:
 * @objects: (nullable): every object the reader sees, a{oa{sa{sv}}} as
 *   Manager.GetObjects answers.
 *
 * The phone's "Status messages" screen: one line per problem the reader may
 * see (the FIPS error the guide describes, an unusable cipher list, a VPN,
 * proxy, directory, firewall or report error, a plugin in error, LDAP in
 * plaintext), errors first. Empty when all is well.
 *
 * Returns: (transfer full) (element-type PhonesecStatusLine)
 */
GPtrArray *phonesec_status_words_messages (const PhonesecStatusWords *words, GVariant *objects);

/**
 * phonesec_status_words_services:
 * @objects: (nullable): as for phonesec_status_words_messages().
 *
 * One line per plugin the reader sees: its name and whether it runs
 * (Running, Starting, Not working, Disabled), in the objects' order.
 *
 * Returns: (transfer full) (element-type PhonesecStatusLine)
 */
GPtrArray *phonesec_status_words_services (const PhonesecStatusWords *words, GVariant *objects);

/* "1 234 567" style byte counts are locale matters; the guide shows plain
 * numbers: "%" G_GUINT64_FORMAT. Exposed for the web page's live cells. */
char *phonesec_status_words_bytes (guint64 bytes);

/* A Unix time as the phone shows dates ("2026-12-07 10:00"), local time;
 * @empty_word for 0. */
char *phonesec_status_words_time (const PhonesecStatusWords *words, gint64 unix_time);

G_END_DECLS
