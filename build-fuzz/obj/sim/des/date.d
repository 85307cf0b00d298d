build-fuzz/obj/sim/des/date.o: sim/des/date.c include/des_date.h

include/des_date.h:
