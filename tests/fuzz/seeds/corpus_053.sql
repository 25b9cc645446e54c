select l_orderkey + l_comment from lineitem;
