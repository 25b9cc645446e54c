SELECT l_returnflag, sum(l_quantity) FROM lineitem;;
