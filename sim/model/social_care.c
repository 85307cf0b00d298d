/* social_care.c - the social-care front door: contacts -> referrals -> initial (single)
 * assessment -> core assessment -> child in need, child protection or care.
 *
 * Contacts arrive as a Poisson process (a clock beside the calendar, like the level-2 clocks
 * of model.c: no heap operation per contact). A contact
 * becomes a referral with one share, a referral gets an initial assessment with another; the
 * assessment is a case record (its own pool, not a child of the EHC pathway) that waits for
 * social-worker capacity (a resource of `slots` assessments carried at once, FIFO) and then
 * takes its working time. The initial assessment's time limit runs from the referral (so a
 * wait for a social worker counts against it); a share of initial assessments go on to a core
 * assessment, whose limit runs from the end of the initial one and which queues for the same
 * social workers. A completed assessment is on time when its elapsed time is at most the
 * limit. A case's last assessment (the core one if it had one) ends as a child in need, a
 * child protection plan or care (each a share; the rest close); care adds a child to care.c.
 * Counts are by calendar year; the on-time shares are derived from their numerators
 * (send_output_ratios). A child-in-need outcome opens a case in the stock of children in need
 * (front_door.children_in_need.initial at the start); on each month's first day, before the
 * levels' step, the open cases close at front_door.children_in_need.close_rate a case-year
 * (binomial on the start-of-step count). levels.c counts the stock at level 3.
 *
 * State: the case pool and the social-worker resource (storage kept, emptied by fd_reset) and
 * the count of open cases and of children in need. Draws on S_FD (arrivals, branching) and
 * S_FD_TIME (working times), only when fd_on, and on S_CIN (closures) only when the close
 * rate is set. Complexity: O(log n) per contact and per assessment.
 */
#include "model_internal.h"

#include <gsl/gsl_randist.h>
#include <string.h>

static int fd_slots(const send_params *p)
{
    return p->fd_slots >= 1e6 ? 1000000 : (int)floor(p->fd_slots + 0.5);
}

int fd_init(send_model *m, des_error *err)
{
    m->fd.k.cases = des_pool_create(sizeof(fd_case), 256, err);
    if (!m->fd.k.cases)
        return err ? err->code : DES_ENOMEM;
    return des_res_init(&m->fd.k.sw, fd_slots(m->p), DES_FIFO, 0, err);
}

void fd_reset(send_model *m)
{
    uint32_t bound = des_pool_bound(m->fd.k.cases);
    if (bound)
        memset(des_pool_get(m->fd.k.cases, 0), 0, (size_t)bound * sizeof(fd_case));
    des_pool_clear(m->fd.k.cases);
    des_res_reset(&m->fd.k.sw, fd_slots(m->p), 0);
    memset(&m->fd.s, 0, sizeof m->fd.s);
}

void fd_free(send_model *m)
{
    des_pool_destroy(m->fd.k.cases);
    des_res_free(&m->fd.k.sw);
}

static fd_case *fd_get(send_model *m, uint32_t h) { return des_pool_get(m->fd.k.cases, h); }


/* The working time of case h's current assessment starts now. */
static void fd_work(send_model *m, uint32_t h)
{
    const des_dist *d = fd_get(m, h)->stage == 1 ? &m->p->fd_initial_time : &m->p->fd_core_time;
    sched_child(m, h, des_dist_sample(d, m->r[S_FD_TIME]), EV_FD_DONE);
}

/* Case h asks a social worker for its current assessment. */
static void fd_request(send_model *m, uint32_t h)
{
    int rc = des_res_request(&m->fd.k.sw, now(m), h, 0);
    assert(rc >= 0);
    if (rc == 1)
        fd_work(m, h);
}

void fd_open(send_model *m)
{
    if (!m->p->fd_on)
        return;
    set_clock(m, CLK_FD_CONTACT, m->p->fd_contacts / YEAR_DAYS, S_FD);
    m->fd.s.cin = llround(m->p->cin_initial);
    m->fd.s.cin_last = now(m);
}

/* The month since the last step: each open child-in-need case closes with probability
 * 1 - exp(-close_rate dt) (one binomial draw on the start-of-step count). */
void fd_month(send_model *m)
{
    const send_params *p = m->p;
    if (!p->fd_on)
        return;
    double dt = (now(m) - m->fd.s.cin_last) / YEAR_DAYS;
    m->fd.s.cin_last = now(m);
    if (dt > 0 && m->fd.s.cin > 0 && p->cin_close_rate > 0)
        m->fd.s.cin -= gsl_ran_binomial(m->r[S_CIN], -expm1(-p->cin_close_rate * dt),
                                        (unsigned)m->fd.s.cin);
}

void ev_fd_contact(send_model *m)
{
    const send_params *p = m->p;
    next_firing(m, CLK_FD_CONTACT, S_FD);
    cy_add(m, C_CONTACTS, 1);
    if (!(unif(m, S_FD) < p->fd_p_referral))
        return;
    cy_add(m, C_REFERRALS, 1);
    if (!(unif(m, S_FD) < p->fd_p_assess))
        return;
    uint32_t h = des_pool_alloc(m->fd.k.cases);
    assert(h != DES_NONE);
    fd_case *c = fd_get(m, h);
    c->stage = 1;
    c->t_clock = now(m);
    m->fd.s.open++;
    fd_request(m, h);
}

void ev_fd_done(send_model *m, uint32_t h)
{
    const send_params *p = m->p;
    uint32_t next;
    if (des_res_release(&m->fd.k.sw, now(m), &next))
        fd_work(m, next);
    fd_case *c = fd_get(m, h);
    /* elapsed days, forgiving the rounding of times on the clock (1e-9 day) */
    double days = now(m) - c->t_clock + 1e-9;
    int core = c->stage == 2;
    tr(m, SEND_NO_CHILD, TR_FD_ASSESSED, core, (int)floor(days));
    cy_add(m, core ? C_CORE : C_INITIAL, 1);
    if (days - 2e-9 <= (core ? p->fd_core_limit : p->fd_initial_limit))
        cy_add(m, core ? C_CORE_ON_TIME : C_INITIAL_ON_TIME, 1);
    if (!core && unif(m, S_FD) < p->fd_p_core) {
        c->stage = 2;
        c->t_clock = now(m);
        fd_request(m, h);
        return;
    }
    double u = unif(m, S_FD);
    if (u < p->fd_p_cin) {
        cy_add(m, C_CIN_STARTS, 1);
        m->fd.s.cin++;
    } else if (u < p->fd_p_cin + p->fd_p_cp) {
        cy_add(m, C_CP_STARTS, 1);
    } else if (u < p->fd_p_cin + p->fd_p_cp + p->fd_p_care) {
        cy_add(m, C_CARE_FROM_FD, 1);
        care_enter(m);
    }
    c->stage = 0;
    m->fd.s.open--;
    des_pool_free(m->fd.k.cases, h);
}
