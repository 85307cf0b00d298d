build-fuzz/obj/sim/run/run_mpi.o: sim/run/run_mpi.c include/send_run.h \
  include/send_model.h include/des_date.h include/des_dist.h \
  include/des_error.h include/send_results.h

include/send_run.h:

include/send_model.h:

include/des_date.h:

include/des_dist.h:

include/des_error.h:

include/send_results.h:
