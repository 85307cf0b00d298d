build-fuzz/obj/sim/io/summary_csv.o: sim/io/summary_csv.c \
  include/send_io.h include/des_error.h include/send_results.h \
  include/send_model.h include/des_date.h include/des_dist.h

include/send_io.h:

include/des_error.h:

include/send_results.h:

include/send_model.h:

include/des_date.h:

include/des_dist.h:
