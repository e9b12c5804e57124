/* phonesec-dbus-names.h: the D-Bus names of phonesec, in one place.
 *
 * Plain C, no GLib: the daemon, plugins, phonesecctl, phonesec-web, the
 * phone menus, benchmarks and tests all spell a name the same way
 * (as NetworkManager's nm-dbus-interface.h does for its clients).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* The bus name phonesecd owns, and its root object. */
#define PHONESEC_DBUS_NAME "org.phonesec.PhoneSec1"
#define PHONESEC_DBUS_PATH "/org/phonesec/PhoneSec1"
/* Each plugin's object: PHONESEC_DBUS_PLUGINS_PATH "/" name, dashes as
 * underscores (http-proxy → .../plugins/http_proxy). */
#define PHONESEC_DBUS_PLUGINS_PATH PHONESEC_DBUS_PATH "/plugins"

/* Interfaces of the root object. */
#define PHONESEC_DBUS_INTERFACE_CONFIG PHONESEC_DBUS_NAME ".Config"
#define PHONESEC_DBUS_INTERFACE_MANAGER PHONESEC_DBUS_NAME ".Manager"
#define PHONESEC_DBUS_INTERFACE_NETWORK PHONESEC_DBUS_NAME ".Network"
#define PHONESEC_DBUS_INTERFACE_TLS_POLICY PHONESEC_DBUS_NAME ".TlsPolicy"

/* Interface of every plugin object; each plugin adds its feature's. */
#define PHONESEC_DBUS_INTERFACE_PLUGIN PHONESEC_DBUS_NAME ".Plugin"
/* Feature interfaces are PHONESEC_DBUS_NAME "." Feature: */
#define PHONESEC_DBUS_INTERFACE_PREFIX PHONESEC_DBUS_NAME "."

/* Error names: PHONESEC_DBUS_ERROR_PREFIX "InvalidValue"... (phonesec-error.h
 * lists the codes). */
#define PHONESEC_DBUS_ERROR_PREFIX PHONESEC_DBUS_NAME ".Error."

/* Introspection annotations (the dbus folder's XML): documentation and who may see a
 * member (see phonesec_context_export_interface()). */
#define PHONESEC_DBUS_ANNOTATION_DOC "org.phonesec.DocString"
#define PHONESEC_DBUS_ANNOTATION_ACCESS "org.phonesec.Access"
#define PHONESEC_DBUS_ANNOTATION_PARAMETERS "org.phonesec.Parameters"
#define PHONESEC_DBUS_ANNOTATION_PARAMETER_NAMES "org.phonesec.ParameterNames"

/* The phone screen menus' service (ui-bridge/phonesec-menus). */
#define PHONESEC_MENUS_DBUS_NAME "org.phonesec.PhoneMenus1"
#define PHONESEC_MENUS_DBUS_PATH "/org/phonesec/PhoneMenus1"
