/*
 * Intrusive lists for a C library without <sys/queue.h> (musl): the
 * macros fsgoferd uses, with the usual names and meaning, and nothing
 * more.  Built only where the Makefiles' probe found no usable
 * <sys/queue.h> (HAVE_SYS_QUEUE_H), and compiled into a unit test
 * everywhere.
 *
 * A tail queue links elements both ways by element pointers, and its
 * head knows its first and last element, so TAILQ_LAST needs no layout
 * tricks; its headname argument is accepted for the same spelling as
 * <sys/queue.h> and not used.  Arguments are evaluated more than once:
 * pass variables, never TAILQ_LAST() or a call, as elm.
 */
#ifndef COMPAT_QUEUE_H
#define COMPAT_QUEUE_H

#include <stddef.h>

/* Singly linked list: push and pop at the head. */
#define SLIST_HEAD(name, type)						\
	struct name { struct type *slh_first; }
#define SLIST_HEAD_INITIALIZER(head)	{ NULL }
#define SLIST_ENTRY(type)						\
	struct { struct type *sle_next; }
#define SLIST_FIRST(head)		((head)->slh_first)
#define SLIST_NEXT(elm, field)		((elm)->field.sle_next)
#define SLIST_EMPTY(head)		(SLIST_FIRST(head) == NULL)
#define SLIST_INIT(head)		do {				\
	SLIST_FIRST(head) = NULL;					\
} while (0)
#define SLIST_INSERT_HEAD(head, elm, field) do {			\
	SLIST_NEXT(elm, field) = SLIST_FIRST(head);			\
	SLIST_FIRST(head) = (elm);					\
} while (0)
#define SLIST_REMOVE_HEAD(head, field) do {				\
	SLIST_FIRST(head) = SLIST_NEXT(SLIST_FIRST(head), field);	\
} while (0)
#define SLIST_FOREACH(var, head, field)					\
	for ((var) = SLIST_FIRST(head); (var) != NULL;			\
	    (var) = SLIST_NEXT(var, field))

/*
 * List: doubly linked through a pointer to the previous element's link
 * (or the head's), so removal needs no head and no walk.
 */
#define LIST_HEAD(name, type)						\
	struct name { struct type *lh_first; }
#define LIST_ENTRY(type)						\
	struct { struct type *le_next, **le_prevlink; }
#define LIST_FIRST(head)		((head)->lh_first)
#define LIST_NEXT(elm, field)		((elm)->field.le_next)
#define LIST_EMPTY(head)		(LIST_FIRST(head) == NULL)
#define LIST_INIT(head)			do {				\
	LIST_FIRST(head) = NULL;					\
} while (0)
#define LIST_INSERT_HEAD(head, elm, field) do {				\
	(elm)->field.le_next = (head)->lh_first;			\
	if ((head)->lh_first != NULL)					\
		(head)->lh_first->field.le_prevlink =			\
		    &(elm)->field.le_next;				\
	(head)->lh_first = (elm);					\
	(elm)->field.le_prevlink = &(head)->lh_first;			\
} while (0)
#define LIST_REMOVE(elm, field) do {					\
	if ((elm)->field.le_next != NULL)				\
		(elm)->field.le_next->field.le_prevlink =		\
		    (elm)->field.le_prevlink;				\
	*(elm)->field.le_prevlink = (elm)->field.le_next;		\
} while (0)
#define LIST_FOREACH(var, head, field)					\
	for ((var) = LIST_FIRST(head); (var) != NULL;			\
	    (var) = LIST_NEXT(var, field))

/* Tail queue: doubly linked, O(1) at both ends and for any removal. */
#define TAILQ_HEAD(name, type)						\
	struct name { struct type *tqh_first, *tqh_lastel; }
#define TAILQ_ENTRY(type)						\
	struct { struct type *tqe_next, *tqe_prevel; }
#define TAILQ_FIRST(head)		((head)->tqh_first)
#define TAILQ_LAST(head, headname)	((head)->tqh_lastel)
#define TAILQ_NEXT(elm, field)		((elm)->field.tqe_next)
#define TAILQ_PREV(elm, headname, field) ((elm)->field.tqe_prevel)
#define TAILQ_EMPTY(head)		(TAILQ_FIRST(head) == NULL)
#define TAILQ_INIT(head)		do {				\
	(head)->tqh_first = NULL;					\
	(head)->tqh_lastel = NULL;					\
} while (0)
#define TAILQ_FOREACH(var, head, field)					\
	for ((var) = TAILQ_FIRST(head); (var) != NULL;			\
	    (var) = TAILQ_NEXT(var, field))
#define TAILQ_INSERT_HEAD(head, elm, field) do {			\
	(elm)->field.tqe_prevel = NULL;					\
	(elm)->field.tqe_next = (head)->tqh_first;			\
	if ((head)->tqh_first != NULL)					\
		(head)->tqh_first->field.tqe_prevel = (elm);		\
	else								\
		(head)->tqh_lastel = (elm);				\
	(head)->tqh_first = (elm);					\
} while (0)
#define TAILQ_INSERT_TAIL(head, elm, field) do {			\
	(elm)->field.tqe_next = NULL;					\
	(elm)->field.tqe_prevel = (head)->tqh_lastel;			\
	if ((head)->tqh_lastel != NULL)					\
		(head)->tqh_lastel->field.tqe_next = (elm);		\
	else								\
		(head)->tqh_first = (elm);				\
	(head)->tqh_lastel = (elm);					\
} while (0)
#define TAILQ_REMOVE(head, elm, field) do {				\
	if ((elm)->field.tqe_next != NULL)				\
		(elm)->field.tqe_next->field.tqe_prevel =		\
		    (elm)->field.tqe_prevel;				\
	else								\
		(head)->tqh_lastel = (elm)->field.tqe_prevel;		\
	if ((elm)->field.tqe_prevel != NULL)				\
		(elm)->field.tqe_prevel->field.tqe_next =		\
		    (elm)->field.tqe_next;				\
	else								\
		(head)->tqh_first = (elm)->field.tqe_next;		\
} while (0)
/* Append all of head2 to head1; head2 is left empty. */
#define TAILQ_CONCAT(head1, head2, field) do {				\
	if ((head2)->tqh_first != NULL) {				\
		if ((head1)->tqh_lastel != NULL) {			\
			(head1)->tqh_lastel->field.tqe_next =		\
			    (head2)->tqh_first;				\
			(head2)->tqh_first->field.tqe_prevel =		\
			    (head1)->tqh_lastel;			\
		} else							\
			(head1)->tqh_first = (head2)->tqh_first;	\
		(head1)->tqh_lastel = (head2)->tqh_lastel;		\
		TAILQ_INIT(head2);					\
	}								\
} while (0)

#endif /* COMPAT_QUEUE_H */
