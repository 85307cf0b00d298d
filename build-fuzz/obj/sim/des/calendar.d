build-fuzz/obj/sim/des/calendar.o: sim/des/calendar.c \
  include/des_calendar.h include/des_error.h

include/des_calendar.h:

include/des_error.h:
