/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Included into every file cppcheck reads (make lint). cppcheck does not read
 * system headers, so the iteration macros of <sys/queue.h> and jansson are
 * spelled out here for it.
 */
#define TAILQ_FOREACH(v, h, f) for ((v) = (h)->tqh_first; (v); (v) = (v)->f.tqe_next)
#define LIST_FOREACH(v, h, f)  for ((v) = (h)->lh_first; (v); (v) = (v)->f.le_next)
#define json_object_foreach(o, k, v)                                            \
	for ((k) = json_object_iter_key(json_object_iter(o));                   \
	     (k) && ((v) = json_object_iter_value(json_object_key_to_iter(k))); \
	     (k) = json_object_iter_key(json_object_iter_next((o), json_object_key_to_iter(k))))
#define json_array_foreach(a, i, v) \
	for ((i) = 0; (i) < json_array_size(a) && ((v) = json_array_get((a), (i))); (i)++)
