/* date.c - civil-date arithmetic (Howard Hinnant's days_from_civil / civil_from_days
 * algorithms): exact for the proleptic Gregorian calendar, O(1), no tables, no locale. */
#include "des_date.h"

#include <string.h>

des_date des_date_from_ymd(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (des_date)(era * 146097 + (int)doe - 719468);
}

void des_date_to_ymd(des_date day, int *y, int *m, int *d)
{
    int z = day + 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int yy = (int)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned dd = doy - (153 * mp + 2) / 5 + 1;
    int mm = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yy + (mm <= 2);
    *m = mm;
    *d = (int)dd;
}

int des_date_days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return days[m - 1];
}

int des_date_valid(int y, int m, int d)
{
    return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= des_date_days_in_month(y, m);
}

int des_date_parse(const char *s, des_date *out)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return -1;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    if (!des_date_valid(y, m, d))
        return -1;
    *out = des_date_from_ymd(y, m, d);
    return 0;
}

void des_date_format(des_date day, char buf[11])
{
    int y, m, d;
    des_date_to_ymd(day, &y, &m, &d);
    y = y < 0 ? 0 : y % 10000;
    buf[0] = (char)('0' + y / 1000);
    buf[1] = (char)('0' + y / 100 % 10);
    buf[2] = (char)('0' + y / 10 % 10);
    buf[3] = (char)('0' + y % 10);
    buf[4] = '-';
    buf[5] = (char)('0' + m / 10);
    buf[6] = (char)('0' + m % 10);
    buf[7] = '-';
    buf[8] = (char)('0' + d / 10);
    buf[9] = (char)('0' + d % 10);
    buf[10] = '\0';
}

des_date des_date_add_months(des_date day, int months)
{
    int y, m, d;
    des_date_to_ymd(day, &y, &m, &d);
    int idx = y * 12 + (m - 1) + months;
    y = idx / 12;
    m = idx % 12 + 1;
    int dim = des_date_days_in_month(y, m);
    return des_date_from_ymd(y, m, d > dim ? dim : d);
}

int des_date_fy(des_date day)
{
    int y, m, d;
    des_date_to_ymd(day, &y, &m, &d);
    return m >= 4 ? y : y - 1;
}

int des_date_school_year(des_date day)
{
    int y, m, d;
    des_date_to_ymd(day, &y, &m, &d);
    return m >= 9 ? y : y - 1;
}

int des_date_month_index(des_date day)
{
    int y, m, d;
    des_date_to_ymd(day, &y, &m, &d);
    return (y - 1970) * 12 + (m - 1);
}
