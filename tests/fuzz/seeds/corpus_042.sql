select from lineitem;
