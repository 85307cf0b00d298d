/* des_date.h - civil dates as whole days since 1970-01-01 (proleptic Gregorian).
 *
 * Simulation time is a double in days from a scenario's start date; these helpers convert
 * between that and calendar dates, and find the month, school year (from 1 September) and
 * financial year (from 1 April) a day belongs to. Pure functions, O(1).
 */
#ifndef DES_DATE_H
#define DES_DATE_H

#include <stdint.h>

typedef int32_t des_date; /* days since 1970-01-01 */

des_date des_date_from_ymd(int y, int m, int d);
void des_date_to_ymd(des_date day, int *y, int *m, int *d);
int des_date_valid(int y, int m, int d);
int des_date_days_in_month(int y, int m);
/* Parse "YYYY-MM-DD" exactly; returns 0 on success, -1 if malformed or not a real date. */
int des_date_parse(const char *s, des_date *out);
/* Write "YYYY-MM-DD" (11 bytes with the terminator). */
void des_date_format(des_date day, char buf[11]);
/* The same day-of-month `months` later (clamped to the month's last day). */
des_date des_date_add_months(des_date day, int months);
/* Financial year starting 1 April: FY 2019 runs 2019-04-01 to 2020-03-31. */
int des_date_fy(des_date day);
/* School (academic) year starting 1 September: year 2019 runs 2019-09-01 to 2020-08-31. */
int des_date_school_year(des_date day);
/* Months since January 1970 (y * 12 + m - 1 - 1970 * 12): a dense month index. */
int des_date_month_index(des_date day);

#endif
