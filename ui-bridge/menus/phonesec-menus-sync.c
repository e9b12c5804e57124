/* phonesec-menus-sync.c: GMenu contents by difference.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-menus-sync.h"

#include <string.h>

static int
compare_keys (gconstpointer a, gconstpointer b, gpointer user_data)
{
  return strcmp (a, b);
}

/* Every attribute and link of an item, in name order: two items with the
 * same signature show the same thing. Links compare by menu identity. */
static GVariant *
item_signature (GMenuModel *model, int index)
{
  g_autoptr (GTree) tree
      = g_tree_new_full (compare_keys, NULL, g_free, (GDestroyNotify) g_variant_unref);
  g_autoptr (GMenuAttributeIter) attributes = g_menu_model_iterate_item_attributes (model, index);
  g_autoptr (GMenuLinkIter) links = g_menu_model_iterate_item_links (model, index);
  GVariantBuilder builder;
  GTreeNode *node;
  const char *name;
  GVariant *value;
  GMenuModel *linked;

  while (g_menu_attribute_iter_get_next (attributes, &name, &value))
    g_tree_insert (tree, g_strdup (name), value);
  while (g_menu_link_iter_get_next (links, &name, &linked))
    {
      g_tree_insert (tree, g_strconcat ("link:", name, NULL),
                     g_variant_ref_sink (g_variant_new_uint64 ((guintptr) linked)));
      g_object_unref (linked);
    }
  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  for (node = g_tree_node_first (tree); node != NULL; node = g_tree_node_next (node))
    g_variant_builder_add (&builder, "{sv}", g_tree_node_key (node), g_tree_node_value (node));
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

static gboolean
same_item (GMenuModel *a, GMenuModel *b, int index)
{
  g_autoptr (GVariant) sa = item_signature (a, index);
  g_autoptr (GVariant) sb = item_signature (b, index);

  return g_variant_equal (sa, sb);
}

void
phonesec_menus_sync (GMenu *menu, GPtrArray *items)
{
  g_autoptr (GMenu) wanted = g_menu_new ();
  GMenuModel *model = G_MENU_MODEL (menu);
  int n_wanted = (int) items->len;

  for (guint i = 0; i < items->len; i++)
    g_menu_append_item (wanted, g_ptr_array_index (items, i));
  while (g_menu_model_get_n_items (model) > n_wanted)
    g_menu_remove (menu, g_menu_model_get_n_items (model) - 1);
  for (int i = 0; i < n_wanted; i++)
    {
      if (i < g_menu_model_get_n_items (model))
        {
          if (same_item (model, G_MENU_MODEL (wanted), i))
            continue;
          g_menu_remove (menu, i);
        }
      g_menu_insert_item (menu, i, g_ptr_array_index (items, i));
    }
}
