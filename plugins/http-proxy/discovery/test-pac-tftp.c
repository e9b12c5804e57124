int phonesec_placeholder_test_pac_tftp_c;
int main(void){return 1;}
