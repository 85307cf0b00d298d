build-fuzz/obj/sim/model/keys.o: sim/model/keys.c include/send_keys.h \
  include/des_error.h include/send_model.h include/des_date.h \
  include/des_dist.h

include/send_keys.h:

include/des_error.h:

include/send_model.h:

include/des_date.h:

include/des_dist.h:
