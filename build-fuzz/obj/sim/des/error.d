build-fuzz/obj/sim/des/error.o: sim/des/error.c include/des_error.h

include/des_error.h:
