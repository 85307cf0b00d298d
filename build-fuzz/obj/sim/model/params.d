build-fuzz/obj/sim/model/params.o: sim/model/params.c \
  include/send_model.h include/des_date.h include/des_dist.h \
  include/des_error.h include/send_keys.h

include/send_model.h:

include/des_date.h:

include/des_dist.h:

include/des_error.h:

include/send_keys.h:
