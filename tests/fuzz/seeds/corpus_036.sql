SELECT l_orderkeyy FROM lineitem;;
