select sum(count(*)) from lineitem;
