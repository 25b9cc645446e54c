drop view nation;
