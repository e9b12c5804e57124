/* phonesec-actors.h: what on this phone acts on each parameter.
 *
 * A parameter that nothing acts on must say so: an admin shown
 * "Firewall: Enabled" while nothing filters a packet is told a protection is
 * on when it is not. Actors are the core's own services, each plugin by its
 * Watch list while it is active (State=error does not count), and services
 * outside the daemon that declared themselves (Manager.DeclareActor), for as
 * long as they stay connected.
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _PhonesecActors PhonesecActors;

/* Whether the actor acts now (a plugin: active and not in error). */
typedef gboolean (*PhonesecActorActiveFunc) (gpointer data);

PhonesecActors *phonesec_actors_new (void);
void phonesec_actors_free (PhonesecActors *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecActors, phonesec_actors_free)

/**
 * phonesec_actors_add:
 * @name: "core:tls-policy", "plugin:http-proxy", "service:phonesec-web"...;
 *   an actor of the same name is replaced
 * @patterns: (nullable): parameter names or globs ("LDAP_*")
 * @active: (nullable): %NULL for always
 */
void phonesec_actors_add (PhonesecActors *self, const char *name, const char *const *patterns,
                          PhonesecActorActiveFunc active, gpointer data);
/* More patterns for an existing actor (phonesec_context_watch()). */
void phonesec_actors_add_patterns (PhonesecActors *self, const char *name,
                                   const char *const *patterns);
void phonesec_actors_remove (PhonesecActors *self, const char *name);

/* The actors acting on @parameter now, sorted; empty when none. */
GStrv phonesec_actors_dup_for (PhonesecActors *self, const char *parameter);

G_END_DECLS
