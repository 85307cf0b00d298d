/* des_resource.h - c identical servers with a FIFO or priority queue, and periodic panels.
 *
 * A resource is passive: it never schedules events. The caller asks for a server with
 * des_res_request(); if one is free the entity seizes it at once (return 1) and the caller
 * schedules the end of service; otherwise the entity is queued (return 0). When service ends
 * the caller calls des_res_release(); if that admits a waiting entity it is returned through
 * *next and the caller starts its service. Capacity may change at any time (staff added, a
 * school opening): des_res_set_capacity() followed by des_res_admit() until it returns 0.
 * Lowering capacity never interrupts service; busy servers above the new capacity finish and
 * are not refilled.
 *
 * Queue disciplines: FIFO (ring buffer) or priority (binary heap on (priority, arrival order):
 * lower priority value is served first, ties first come first served).
 *
 * Statistics kept: time-weighted queue length and busy servers, waiting-time tally (time from
 * request to seizing a server, including zero waits), admissions count.
 *
 * Queue storage doubles when full; no allocation otherwise.
 */
#ifndef DES_RESOURCE_H
#define DES_RESOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "des_error.h"
#include "des_stats.h"

typedef enum des_discipline { DES_FIFO, DES_PRIORITY } des_discipline;

typedef struct des_qitem {
    double t_enq;
    uint64_t key; /* priority << 40 | arrival sequence */
    uint32_t ent;
    uint32_t tag; /* caller's tag, returned by pop (e.g. a serial for lazy cancellation) */
} des_qitem;

/* The waiting line shared by resources and panels. */
typedef struct des_queue {
    des_discipline disc;
    des_qitem *items;
    size_t head, n, cap; /* ring buffer for FIFO (head used), heap for PRIORITY (head = 0) */
    uint64_t seq;
} des_queue;

int des_queue_init(des_queue *q, des_discipline disc, size_t capacity, des_error *err);
void des_queue_free(des_queue *q);
void des_queue_clear(des_queue *q);
/* Returns DES_OK or DES_ENOMEM; prio in 0..2^24-1 (only used by PRIORITY). */
int des_queue_push(des_queue *q, double now, uint32_t ent, unsigned prio);
/* As des_queue_push, with a tag the caller gets back from des_queue_pop. */
int des_queue_push_tag(des_queue *q, double now, uint32_t ent, unsigned prio, uint32_t tag);
/* Pop the next item; returns 1, or 0 when empty. */
int des_queue_pop(des_queue *q, des_qitem *out);
/* Remove a waiting entity (reneging); O(n). Returns 1 if found. */
int des_queue_remove(des_queue *q, uint32_t ent);
static inline size_t des_queue_len(const des_queue *q) { return q->n; }
/* When the entity that des_queue_pop would return next was queued (the queue must not be
 * empty): FIFO and PRIORITY both keep it at items[head]. O(1). */
static inline double des_queue_head_time(const des_queue *q) { return q->items[q->head].t_enq; }

typedef struct des_resource {
    int capacity;
    int busy;
    des_queue q;
    des_timeavg qlen;  /* queue length over time */
    des_timeavg inuse; /* busy servers over time */
    des_tally wait;    /* waiting times of admitted entities */
    uint64_t admitted;
} des_resource;

int des_res_init(des_resource *r, int capacity, des_discipline disc, double now, des_error *err);
void des_res_free(des_resource *r);
/* Back to empty at time `now` with the given capacity; keeps storage. */
void des_res_reset(des_resource *r, int capacity, double now);

/* 1: seized a server now; 0: queued; negative: -DES_ENOMEM. */
int des_res_request(des_resource *r, double now, uint32_t ent, unsigned prio);
/* Free one server; returns 1 and sets *next if a waiter seized it, else 0. */
int des_res_release(des_resource *r, double now, uint32_t *next);
/* Set capacity (>= 0); then call des_res_admit() until it returns 0. */
void des_res_set_capacity(des_resource *r, double now, int capacity);
/* Admit one waiter if a server is free: returns 1 and sets *next, else 0. */
int des_res_admit(des_resource *r, double now, uint32_t *next);
/* Withdraw a waiting entity; returns 1 if it was waiting. */
int des_res_withdraw(des_resource *r, double now, uint32_t ent);
/* Give a server to an entity that has waited since t_enq outside r's queue (in the queue of
 * another resource it may also use), ahead of r's own queue: with `passed` set, the server is
 * one its holder releases at this moment (busy is unchanged: it passes straight on); otherwise
 * a free one (busy < capacity is required). */
void des_res_hand(des_resource *r, double now, double t_enq, int passed);

/* A periodic batch server: sits at first, first + period, ...; each sitting hears up to
 * `per_sitting` cases in queue order; unheard cases roll to the next sitting. The caller
 * schedules the sittings (des_panel_next_sitting gives the time) and calls des_panel_sit(). */
typedef struct des_panel {
    double first, period;
    int per_sitting;
    des_queue q;
    des_timeavg qlen;
    des_tally wait;    /* submission to hearing */
    uint64_t sittings, heard;
} des_panel;

int des_panel_init(des_panel *p, double first, double period, int per_sitting,
                   des_discipline disc, des_error *err);
void des_panel_free(des_panel *p);
void des_panel_reset(des_panel *p, double now);
int des_panel_submit(des_panel *p, double now, uint32_t ent, unsigned prio);
/* Hear up to min(per_sitting, max) cases at time now; writes their entities to out in order
 * and returns the count. */
size_t des_panel_sit(des_panel *p, double now, uint32_t *out, size_t max);
/* The first sitting time strictly after `now` (or at now when now is itself a sitting and
 * inclusive != 0). */
double des_panel_next_sitting(const des_panel *p, double now, int inclusive);
/* Change cadence / capacity from now on (period > 0, per_sitting >= 0). */
int des_panel_configure(des_panel *p, double first, double period, int per_sitting,
                        des_error *err);

#endif
