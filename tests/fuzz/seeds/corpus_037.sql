SELECT * FROM lineitem WHERE l_shipdate > DATE '1998-13-01';;
