/* finance.c - the high-needs block of the Dedicated Schools Grant in the lines of the DfE's DSG
 * management plan template, and the budgets beside it, by financial year.
 *
 * Expenditure is accrued without per-child bookkeeping: over an interval, each provision and
 * primary need's occupancy (des_timeavg, kept by set_prov) times its daily unit cost, exact in
 * child-days. Accrual runs at each month's snapshot (an interval inside one month, so one
 * financial year) and at the end. A pupil costs the top-up of its band (finance.cost x the band
 * factor of its need's band, the band mix drifting up by band_drift a year), or the whole fee
 * for independent, specialist post-16 and level-4 packages; level-4 packages are split into
 * education (the DSG line), social care and health shares, each charged to its own budget.
 * Place funding is paid on commissioned places whether filled or not: the places commissioned
 * where the scenario says so, else the capacity in force at the interval's start (the last
 * month's snapshot), or the places filled where capacity is not limited. Unit costs rise by
 * their inflation from the second financial year, fees by no more than a fee cap once it is in
 * force. Transport and assessment (requests.c, disagreement.c) are general-fund costs, added to
 * the DSG lines only when finance.dsg_includes says so.
 *
 * Invariants (fin_close, tested to the penny): hn_spend_gbp is the sum of the expenditure
 * lines, dsg_income_gbp the sum of the income lines, and the cumulative balance moves by
 * exactly income minus expenditure each year from the opening balance brought forward
 * (negative = deficit, as in the template).
 *
 * send_fin_drivers reads a run's results for the report: plans x cost per plan against income
 * by financial year, the change of the in-year balance split exactly into the three.
 *
 * State: fin_state (acc_fi starts at -1). Complexity: O(provisions x needs) per accrual, O(FYs x
 * (lines + provisions x needs)) at the close.
 */
#include "model_internal.h"
#include "send_results.h"

#include <gsl/gsl_randist.h>
#include <string.h>

/* The DSG expenditure line of each provision's top-up or fee, and of its place funding (-1: no
 * place funding). */
static const int topup_line[PROV_COUNT] = {
    [PROV_MAINSTREAM] = DSG_TOPUP_MAINSTREAM, [PROV_RESOURCED] = DSG_TOPUP_RESOURCED,
    [PROV_SPECIAL] = DSG_TOPUP_SPECIAL, [PROV_INDEPENDENT] = DSG_INDEPENDENT,
    [PROV_RESIDENTIAL] = DSG_LEVEL4, [PROV_FE_COLLEGE] = DSG_POST16,
    [PROV_SPECIALIST_POST16] = DSG_POST16, [PROV_AP] = DSG_AP,
    [PROV_EARLY_YEARS] = DSG_TOPUP_EARLY_YEARS, [PROV_OTHER] = DSG_OTHER_ARRANGEMENTS,
    [PROV_AWAITING] = DSG_OTHER_ARRANGEMENTS};
static const int place_line[PROV_COUNT] = {
    [PROV_MAINSTREAM] = -1, [PROV_RESOURCED] = DSG_PLACE_RESOURCED,
    [PROV_SPECIAL] = DSG_PLACE_SPECIAL, [PROV_INDEPENDENT] = -1, [PROV_RESIDENTIAL] = -1,
    [PROV_FE_COLLEGE] = DSG_PLACE_POST16, [PROV_SPECIALIST_POST16] = DSG_PLACE_POST16,
    [PROV_AP] = DSG_PLACE_AP, [PROV_EARLY_YEARS] = -1, [PROV_OTHER] = -1,
    [PROV_AWAITING] = -1};

int send_provision_has_place_funding(int prov)
{
    return prov >= 0 && prov < PROV_COUNT && place_line[prov] >= 0;
}

/* Fees (not banded top-ups), which a fee cap limits. */
static int is_fee(int q)
{
    return q == PROV_INDEPENDENT || q == PROV_SPECIALIST_POST16 || q == PROV_RESIDENTIAL;
}

const char *const send_dsg_line_names[DSG_LINE_COUNT] = {
    "allocation", "import_export", "schools_transfer", "other_income",
    "place_special", "place_resourced", "place_ap", "place_post16",
    "topup_early_years", "topup_mainstream", "topup_resourced", "topup_special",
    "independent", "ap", "post16", "level4", "other_arrangements",
    "sen_support", "hospital", "therapies", "transport", "assessment"};

const char *const send_dsg_line_labels[DSG_LINE_COUNT] = {
    "High-needs block allocation",
    "Import/export adjustments",
    "Transfer from the schools block",
    "Other income (safety valve, DBV)",
    "Place funding: special schools and academies",
    "Place funding: resourced provision and SEN units",
    "Place funding: alternative provision",
    "Place funding: post-16 further education",
    "Top-up: early years",
    "Top-up: mainstream schools",
    "Top-up: resourced provision and SEN units",
    "Top-up: special schools and academies",
    "Independent and non-maintained special schools",
    "Alternative provision",
    "Post-16 further education and specialist institutions",
    "Level-4 joint packages (education share)",
    "Other arrangements and interim provision",
    "SEN support and inclusion services",
    "Hospital education",
    "Therapies and other health-related services",
    "Home-to-school transport (in the DSG by choice)",
    "Assessment and tribunal costs (in the DSG by choice)"};

void fin_reset(send_model *m)
{
    memset(&m->fin, 0, sizeof m->fin);
    des_timeavg_init(&m->fin.ei_ta, 0, 0);
    for (int q = 0; q < PROV_COUNT; q++)
        for (int n = 0; n < NEED_COUNT; n++)
            des_timeavg_init(&m->fin.occ_need[q][n], 0, 0);
    m->fin.acc_fi = -1;
}

static double fy_days(int fy)
{
    return (double)(des_date_from_ymd(fy + 1, 4, 1) - des_date_from_ymd(fy, 4, 1));
}

/* The price index of provision q in the fi-th full financial year: inflation compounded from
 * the second, each year's fee uplift capped once the fee cap is in force. */
static double price_index(const send_params *p, int q, int first_fy, int fi)
{
    double x = 1.0;
    for (int k = 1; k <= fi; k++) {
        double u = p->inflation[q];
        if (p->fee_cap_active && is_fee(q) &&
            des_date_from_ymd(first_fy + k, 4, 1) >= p->fee_cap_from && u > p->fee_cap)
            u = p->fee_cap;
        x *= 1.0 + u;
    }
    return x;
}

/* The mean band factor of need n's pupils in the fi-th full financial year: all start in the
 * need's band (factor 1 when no band is given) and a share band_drift of each band below the
 * top moves up one band a year. */
static double band_mean(const send_params *p, int n, int fi)
{
    int b0 = (int)p->band_of_need[n];
    if (b0 < 1)
        return 1.0;
    double w[SEND_BANDS] = {0};
    w[b0 - 1] = 1.0;
    for (int k = 0; k < fi; k++)
        for (int b = SEND_BANDS - 2; b >= 0; b--) {
            double up = w[b] * p->band_drift;
            w[b] -= up;
            w[b + 1] += up;
        }
    double f = 0;
    for (int b = 0; b < SEND_BANDS; b++)
        f += w[b] * p->band_factor[b];
    return f;
}

static void add_line(send_model *m, int line, int fi, double v)
{
    send_output_row(m->out, F_DSG_LINE + line)[fi] += v;
}

/* Accrue spend for [last_snapshot, now): the interval lies inside one month, so one FY. */
void fin_accrue(send_model *m)
{
    const send_params *p = m->p;
    fin_state *f = &m->fin;
    send_output *o = m->out;
    double t = now(m), dt = t - f->last_snapshot;
    int fy = des_date_fy(day_of(m, f->last_snapshot));
    int fi = fy - o->first_fy;
    int in = fi >= 0 && fi < o->n_fys;
    double days_in = fy_days(fy);
    if (in && fi != f->acc_fi) {
        /* this financial year's unit costs */
        for (int q = 0; q < PROV_COUNT; q++) {
            double c = p->cost[q] * p->cost_level * price_index(p, q, o->first_fy, fi);
            for (int n = 0; n < NEED_COUNT; n++)
                f->acc_unit[q][n] =
                    is_fee(q) || q == PROV_OTHER || q == PROV_AWAITING ? c : c * band_mean(p, n, fi);
        }
        f->acc_transport = p->transport_cost * pow(1.0 + p->transport_inflation, (double)fi);
        f->acc_fi = fi;
    }
    /* the month that opened the interval: its capacity snapshot */
    int mk = m->c.month_k - 1;
    double per_child = p->child_cost_factor && mk >= 0 && mk < p->n_child_cost_factor
                           ? p->child_cost_factor[mk] : 1.0;
    for (int q = 0; q < PROV_COUNT; q++) {
        double cd_q = 0, cost_q = 0;
        for (int n = 0; n < NEED_COUNT; n++) {
            double area = des_timeavg_area(&f->occ_need[q][n], t);
            double cd = area - f->occ_mark[q][n];
            f->occ_mark[q][n] = area;
            cd_q += cd;
            if (in)
                cost_q += cd * f->acc_unit[q][n] / days_in;
        }
        if (!in)
            continue;
        cost_q *= per_child;
        if (q == PROV_RESIDENTIAL) {
            send_output_row(o, F_SOCIAL_CARE)[fi] += cost_q * p->l4_share_social;
            send_output_row(o, F_HEALTH)[fi] += cost_q * p->l4_share_health;
            cost_q *= p->l4_share_education;
        }
        add_line(m, topup_line[q], fi, cost_q);
        double places = 0;
        if (place_line[q] >= 0 && p->place_funding[q] > 0 && dt > 0) {
            double cap = mk >= 0 ? send_output_row(o, M_CAPACITY + q)[mk] : -1;
            places = p->commissioned[q] > 0 ? p->commissioned[q] : cap >= 0 ? cap : cd_q / dt;
            double pf = places * dt * p->place_funding[q] / days_in;
            add_line(m, place_line[q], fi, pf);
            cost_q += pf;
        }
        send_output_row(o, F_SPEND_PROV + q)[fi] += cost_q;
        double tr = cd_q * per_child * p->transport_share[q] * f->acc_transport / days_in;
        send_output_row(o, F_SPEND_TRANSPORT)[fi] += tr;
        if (p->dsg_transport)
            add_line(m, DSG_TRANSPORT, fi, tr);
    }
    double ea = des_timeavg_area(&f->ei_ta, t);
    if (in) {
        double ei = (ea - f->ei_mark) * p->ei_cost_per_child / days_in;
        send_output_row(o, F_SPEND_EI)[fi] += ei;
        add_line(m, DSG_SEN_SUPPORT, fi, ei);
    }
    f->ei_mark = ea;
    f->last_snapshot = t;
}

void fin_charge(send_model *m, int budget, double amount)
{
    fy_add(m, budget, amount);
}

int send_grant_published_years(const send_params *p)
{
    if (p->grant_n == 0)
        return 1;
    return p->grant_published < p->grant_n ? p->grant_published : p->grant_n;
}

/* The number of uncertain yearly growth steps from the last published allocation to full
 * financial year fi (0 up to it or before the series; fi itself without a series: grant_base
 * is year 0). The series' years after grant_published are estimates and count. */
static int grant_steps(const send_params *p, int first_fy, int fi)
{
    if (p->grant_n == 0)
        return fi;
    int known = send_grant_published_years(p);
    int k = first_fy + fi - p->grant_fy0;
    return k >= known ? k - known + 1 : 0;
}

/* The high-needs block allocation of full financial year fi. */
static double allocation(const send_params *p, int first_fy, int fi)
{
    if (p->grant_n == 0)
        return p->grant_base * pow(1.0 + p->grant_growth, fi);
    int k = first_fy + fi - p->grant_fy0;
    if (k < 0)
        return p->grant_fy[0] / pow(1.0 + p->grant_growth, -k);
    if (k >= p->grant_n)
        return p->grant_fy[p->grant_n - 1] * pow(1.0 + p->grant_growth, k - p->grant_n + 1);
    return p->grant_fy[k];
}

/* The end of the run: the lines that are not accrued, totals and the balance by FY. */
void fin_close(send_model *m)
{
    const send_params *p = m->p;
    send_output *o = m->out;
    double balance = p->opening_balance;
    /* the allocation's own yearly growths beyond the series, drawn in year order on S_GRANT
     * (only with year_sd: a run without it draws nothing there) */
    double walk = 0;
    int drawn = 0;
    for (int fi = 0; fi < o->n_fys; fi++) {
        des_date apr = des_date_from_ymd(o->first_fy + fi, 4, 1);
        for (int steps = grant_steps(p, o->first_fy, fi); p->grant_year_sd > 0 && drawn < steps;
             drawn++)
            walk += p->grant_year_sd * gsl_ran_gaussian(m->r[S_GRANT], 1.0);
        add_line(m, DSG_ALLOCATION, fi, allocation(p, o->first_fy, fi) * exp(walk));
        add_line(m, DSG_IMPORT_EXPORT, fi, send_steps_at(&p->import_export, apr));
        add_line(m, DSG_SCHOOLS_TRANSFER, fi, send_steps_at(&p->schools_transfer, apr));
        add_line(m, DSG_OTHER_INCOME, fi, send_steps_at(&p->other_income, apr));
        add_line(m, DSG_SEN_SUPPORT, fi, send_steps_at(&p->sen_services, apr));
        add_line(m, DSG_HOSPITAL, fi, send_steps_at(&p->hospital, apr));
        add_line(m, DSG_THERAPIES, fi, send_steps_at(&p->therapies, apr));
        if (p->dsg_assessment)
            add_line(m, DSG_ASSESSMENT, fi, send_output_row(o, F_SPEND_ASSESS)[fi]);
        double income = 0, spend = 0;
        for (int l = 0; l < DSG_LINE_COUNT; l++) {
            double v = send_output_row(o, F_DSG_LINE + l)[fi];
            if (l < DSG_INCOME_LINES)
                income += v;
            else
                spend += v;
        }
        send_output_row(o, F_INCOME)[fi] = income;
        send_output_row(o, F_SPEND)[fi] = spend;
        send_output_row(o, F_DSG_INYEAR)[fi] = income - spend;
        send_output_row(o, F_DSG_BF)[fi] = balance;
        balance += income - spend;
        send_output_row(o, F_DSG_BALANCE)[fi] = balance;
    }
}

/* Cross-key rules the table's ranges cannot state. */
int fin_check(const send_params *p, des_error *err)
{
    for (int q = 0; q < PROV_COUNT; q++)
        if (place_line[q] < 0 && p->place_funding[q] != 0)
            return des_error_set(err, DES_EINVAL,
                                 "'finance.place_funding': '%s' has no place funding (special, "
                                 "resourced, ap, fe_college and specialist_post16 have)",
                                 send_provision_names[q]);
    int given = 0;
    for (int n = 0; n < NEED_COUNT; n++)
        given += p->band_of_need[n] > 0;
    for (int n = 0; given && n < NEED_COUNT; n++) {
        double b = p->band_of_need[n];
        if (b != floor(b) || b < 1 || b > SEND_BANDS)
            return des_error_set(err, DES_EINVAL,
                                 "'finance.bands.by_need': every need needs a band 1-%d, '%s' "
                                 "has %g",
                                 SEND_BANDS, send_need_names[n], b);
    }
    if (p->grant_n < 0 || p->grant_n > SEND_GRANT_MAX)
        return des_error_set(err, DES_EINVAL, "'finance.grant.allocation': at most %d years",
                             SEND_GRANT_MAX);
    return DES_OK;
}

static double at_row(const send_output *o, int metric, int i)
{
    return o->values[(size_t)metric * (size_t)o->row_len + (size_t)i];
}

void send_fin_drivers(const send_results *res, send_fin_driver *out)
{
    const send_output *o0 = &res->reps[0];
    for (int fi = 0; fi < o0->n_fys; fi++) {
        send_fin_driver *d = &out[fi];
        memset(d, 0, sizeof *d);
        /* April of the year to March of the next, as month indices of the series */
        int m0 = des_date_month_index(des_date_from_ymd(o0->first_fy + fi, 4, 1)) -
                 o0->first_month_index;
        for (int r = 0; r < res->n; r++) {
            const send_output *o = &res->reps[r];
            double sum = 0;
            int k = 0;
            for (int m = m0 < 0 ? 0 : m0; m < m0 + 12 && m < o->n_months; m++, k++)
                sum += at_row(o, M_EHCP_TOTAL, m);
            d->plans += k ? sum / k / res->n : 0;
            d->spend += at_row(o, F_SPEND, fi) / res->n;
            d->income += at_row(o, F_INCOME, fi) / res->n;
        }
        d->inyear = d->income - d->spend;
        d->per_plan = d->plans > 0 ? d->spend / d->plans : NAN;
        d->d_inyear = d->d_plans = d->d_cost = d->d_income = NAN;
        if (fi > 0 && d->plans > 0 && out[fi - 1].plans > 0) {
            const send_fin_driver *p = &out[fi - 1];
            d->d_plans = -(d->plans - p->plans) * p->per_plan;
            d->d_cost = -d->plans * (d->per_plan - p->per_plan);
            d->d_income = d->income - p->income;
            d->d_inyear = d->inyear - p->inyear;
        }
    }
}
