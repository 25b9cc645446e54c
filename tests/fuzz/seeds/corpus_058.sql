select row_number() from lineitem;
