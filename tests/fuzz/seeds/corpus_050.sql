select * from lineitem where l_comment like 5;
