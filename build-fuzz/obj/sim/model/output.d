build-fuzz/obj/sim/model/output.o: sim/model/output.c \
  include/send_model.h include/des_date.h include/des_dist.h \
  include/des_error.h

include/send_model.h:

include/des_date.h:

include/des_dist.h:

include/des_error.h:
