/* phonesec-menus-api.h: what phonesec-menus exports, for its clients
 * (phonesec-phone, tests): the org.gtk.Menus and org.gtk.Actions contract
 * of org.phonesec.PhoneMenus1 at /org/phonesec/PhoneMenus1.
 *
 * The menu model is the phone's home screen: one item, "Applications",
 * whose submenus are the guide's screens. Items carry the standard "label"
 * and "action"/"target" attributes (so any toolkit that speaks
 * org.gtk.Menus shows them) plus the x-phonesec-* attributes below, which
 * tell a phone screen how to show and edit each line. Item actions are
 * named PHONESEC_MENUS_ACTION_PREFIX "." NAME: insert the exported action
 * group under that prefix ("phone"), as GTK inserts "app" and "win".
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <phonesec/phonesec-dbus-names.h>

#define PHONESEC_MENUS_ACTION_PREFIX "phone"

/* Actions (names within the group). */
/* (us) state: a serial that grows with each message, and the message to
 * show now as the phone would (a refused value, a failed connection, "report
 * created"); "" when there is none. */
#define PHONESEC_MENUS_ACTION_MESSAGE "message"
/* b state: "Activer la connexion VPN", on while the phone wants the tunnel
 * (Vpn.State connecting or connected). Activate toggles: Vpn.Connect or
 * Vpn.Disconnect. Present while the Vpn object is in the user's view. */
#define PHONESEC_MENUS_ACTION_VPN_ENABLE "vpn.enable"
/* s state, disabled: Vpn.State as it is (the guide's VPN icon is drawn
 * while it is "connected"). */
#define PHONESEC_MENUS_ACTION_VPN_STATE "vpn.state"
/* s state and parameter: the problem description typed for the report. */
#define PHONESEC_MENUS_ACTION_REPORT_DESCRIPTION "report.description"
/* No state: ProblemReport.Generate with the description. */
#define PHONESEC_MENUS_ACTION_REPORT_SUBMIT "report.submit"
/* One action per parameter the phone's user may see:
 * PHONESEC_MENUS_ACTION_PARAM_PREFIX + the cfg.xml name with '_' as '-'
 * (action names allow no '_'): param.VPN-Server. Bool parameters: b state,
 * no parameter, activate toggles. Others: s state (the cfg.xml string form),
 * s parameter; activate or change-state applies the string. Disabled when
 * the user's access is ro: the value is shown, never written. */
#define PHONESEC_MENUS_ACTION_PARAM_PREFIX "param."

/* Item attributes beyond label/action/target. */
/* s: what the line is: submenu (a screen), bool (toggled by Select),
 * choice (Select opens its "submenu" of option lines, each with the action
 * and its target), option, text and secret (Select opens a text entry;
 * the typed string activates the action), info (a status line, read only),
 * message (a line saying why a screen is empty), command (Select
 * activates the action). */
#define PHONESEC_MENUS_ATTR_KIND "x-phonesec-kind"
/* s: the cfg.xml name of a parameter line. */
#define PHONESEC_MENUS_ATTR_PARAMETER "x-phonesec-parameter"
/* s: translated help of a parameter line. */
#define PHONESEC_MENUS_ATTR_HELP "x-phonesec-help"
/* s: bool lines: the translated words for on and off (Oui/Non,
 * Activé/Désactivé...). */
#define PHONESEC_MENUS_ATTR_TRUE_WORD "x-phonesec-true-word"
#define PHONESEC_MENUS_ATTR_FALSE_WORD "x-phonesec-false-word"
/* b: secret lines: whether a value is set (it is never shown). */
#define PHONESEC_MENUS_ATTR_IS_SET "x-phonesec-is-set"
/* u: text lines: the longest value accepted. */
#define PHONESEC_MENUS_ATTR_MAX_LENGTH "x-phonesec-max-length"
/* s: info and message lines: the value shown beside the label. */
#define PHONESEC_MENUS_ATTR_VALUE "x-phonesec-value"
/* s: info and message lines: info, warning or error. */
#define PHONESEC_MENUS_ATTR_LEVEL "x-phonesec-level"
/* s: info lines: the stable id of the status line (vpn.ip-address...). */
#define PHONESEC_MENUS_ATTR_ID "x-phonesec-id"
