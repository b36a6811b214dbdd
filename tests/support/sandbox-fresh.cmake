# ctest fixture: a fresh drill sandbox for the run (a left-over one is stopped and removed).
execute_process(COMMAND ${DRILL} down --dir ${DIR} OUTPUT_QUIET ERROR_QUIET)
file(REMOVE_RECURSE ${DIR})
execute_process(COMMAND ${DRILL} up --dir ${DIR} --rows 3000 RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "ragdr-drill up --dir ${DIR} failed (${rc})")
endif()
