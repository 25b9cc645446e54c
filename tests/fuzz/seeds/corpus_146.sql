drop view tv2;
