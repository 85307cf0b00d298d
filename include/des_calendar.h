/* des_calendar.h - simulation clock and future-event list.
 *
 * Events are small plain records kept in an array-backed 4-ary heap ordered by
 * (time, priority, insertion sequence): two events at the same time fire in priority order
 * (lower first) and then in the order they were scheduled, so a run is exactly reproducible.
 *
 * Cancellation is by generation counter. Every event names an owner (typically an entity
 * index, or DES_NO_OWNER). des_cal_cancel_owner() bumps that owner's generation; events
 * scheduled before the bump are stale and are skipped, unseen, by des_cal_next(). Nothing is
 * searched or removed from the heap, so cancellation is O(1). An event without owner may
 * instead carry a caller's tag (des_cal_schedule_tag), for callers that keep timer stamps in
 * their own records and skip superseded events themselves.
 *
 * Storage grows only by doubling (events and the owner-generation table); once warm, the event
 * loop allocates nothing.
 */
#ifndef DES_CALENDAR_H
#define DES_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

#include "des_error.h"

#define DES_NO_OWNER UINT32_MAX
#define DES_PRIO_MAX 255u

typedef struct des_event {
    double time;   /* when it fires, in days from the simulation start */
    uint64_t key;  /* priority << 56 | insertion sequence: the tie-break order */
    uint32_t type; /* caller-defined event kind */
    uint32_t owner;/* cancellation owner, or DES_NO_OWNER */
    uint32_t gen;  /* owner's generation when scheduled, or the caller's tag
                      (des_cal_schedule_tag) */
    uint32_t arg;  /* caller-defined payload */
} des_event;

typedef struct des_calendar des_calendar;

/* Create an empty calendar at time 0 with room for `capacity` pending events (0 = default). */
des_calendar *des_cal_create(size_t capacity, des_error *err);
void des_cal_destroy(des_calendar *cal);

/* Forget all pending events and reset the clock to `start`; keeps allocated storage. */
void des_cal_reset(des_calendar *cal, double start);

/* Schedule an event. `time` must be finite and not before now; prio <= DES_PRIO_MAX.
 * Returns DES_OK, DES_EINVAL or DES_ENOMEM. */
int des_cal_schedule(des_calendar *cal, double time, unsigned prio, uint32_t type,
                     uint32_t owner, uint32_t arg);

/* Schedule an event without owner (the calendar never cancels it) that carries a caller-defined
 * 32-bit tag, handed back in ev->gen. A caller that keeps its own per-entity timer stamps puts
 * the stamp here and ignores an event whose tag no longer matches: cancellation with no lookup
 * in the calendar, at the cost of a stale event staying pending until it is popped.
 * Returns DES_OK, DES_EINVAL or DES_ENOMEM, as des_cal_schedule. */
int des_cal_schedule_tag(des_calendar *cal, double time, unsigned prio, uint32_t type,
                         uint32_t arg, uint32_t tag);

/* Pop the next live event into *ev and advance the clock to its time.
 * Returns 1 when an event was popped, 0 when none is pending (stale events are discarded). */
int des_cal_next(des_calendar *cal, des_event *ev);

/* As des_cal_next, but only an event with time <= until; otherwise leaves it pending,
 * advances the clock to `until` (if later than now) and returns 0. */
int des_cal_next_until(des_calendar *cal, double until, des_event *ev);

/* Cancel every pending event of `owner` (O(1)). Owners may be any value below DES_NO_OWNER;
 * the generation table grows by doubling to cover them. Returns DES_OK or DES_ENOMEM. */
int des_cal_cancel_owner(des_calendar *cal, uint32_t owner);

double des_cal_now(const des_calendar *cal);
/* Pending events, live or stale. */
size_t des_cal_pending(const des_calendar *cal);
/* Events popped (live only) since creation or reset. */
uint64_t des_cal_fired(const des_calendar *cal);
/* Time of the earliest pending event (live or stale), or +INFINITY when empty. */
double des_cal_peek_time(const des_calendar *cal);

#endif
