prepare p as select * from nope;
