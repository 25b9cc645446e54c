select "L_ORDERKEY" from "LINEITEM";
